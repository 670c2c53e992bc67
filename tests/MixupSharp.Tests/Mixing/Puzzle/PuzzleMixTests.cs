using System;
using System.Linq;
using MixupSharp.Mixing;
using MixupSharp.Mixing.Puzzle;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Mixing.Puzzle;

/// <summary>The PuzzleMix op: what it keeps, how it replays, what it refuses.</summary>
public sealed class PuzzleMixTests
{
    private const int Classes = 4;

    [Fact]
    public void TheMixedImageKeepsTheSalientBlocksOfBothImages()
    {
        // Two 16-px images, 4 × 4 blocks of 4 px. Image 0's only content (and saliency) is its top-left block in channel 0,
        // image 1's its bottom-right block in channel 1. The best labelling keeps both; transport may move them, so the
        // check is on how much of each survives anywhere.
        using var scope = torch.NewDisposeScope();
        var x = torch.zeros(2, 3, 16, 16);
        x[0, 0, ..4, ..4] = torch.tensor(1f);
        x[1, 1, 12.., 12..] = torch.tensor(1f);
        var saliency = torch.zeros(2, 16, 16);
        saliency[0, ..4, ..4] = torch.tensor(1f);
        saliency[1, 12.., 12..] = torch.tensor(1f);
        var puzzle = new PuzzleMix(Classes, new PuzzleMixOptions { BlockSides = new[] { 4 } });
        int checkedSeeds = 0;
        for (int seed = 0; seed < 40 && checkedSeeds < 10; seed++)
        {
            using var g = new Generator((ulong)seed);
            using var p = puzzle.Sample(x, saliency, g);
            if (p.PartnerValues()[0] != 1)
            {
                continue;   // a sample paired with itself has only its own block to keep
            }

            checkedSeeds++;
            using var mixed = puzzle.Apply(x, torch.tensor(new long[] { 0, 1 }), p);
            for (int i = 0; i < 2; i++)
            {
                double own = mixed.Inputs[i, i].sum().item<float>(), other = mixed.Inputs[i, 1 - i].sum().item<float>();
                Assert.True(own >= 8 && other >= 8, $"seed {seed}, sample {i}: kept {own} of its own salient block and {other} of its partner's (of 16 each)");
            }
        }

        Assert.True(checkedSeeds >= 5, "too few draws paired the two images");
    }

    [Fact]
    public void AReplayGivesTheSameBytesAndTheSameSeedTheSameDraw()
    {
        using var scope = torch.NewDisposeScope();
        using var data = new Generator(1);
        var x = torch.rand(new long[] { 8, 3, 32, 32 }, generator: data);
        var saliency = torch.rand(new long[] { 8, 32, 32 }, generator: data);
        var labels = torch.arange(8, dtype: ScalarType.Int64) % Classes;
        var puzzle = new PuzzleMix(Classes);
        using var g1 = new Generator(7);
        using var g2 = new Generator(7);
        using var a = puzzle.Apply(x, labels, saliency, g1);
        using var b = puzzle.Apply(x, labels, saliency, g2);
        using var again = puzzle.Apply(x, labels, a.Parameters);
        Assert.True(Same(a.Inputs, b.Inputs) && Same(a.Targets, b.Targets));
        Assert.True(Same(a.Inputs, again.Inputs) && Same(a.Targets, again.Targets));
        Assert.True(Same(a.Parameters.Masks, b.Parameters.Masks));
        Assert.Equal(a.Parameters.Sources is null, b.Parameters.Sources is null);
    }

    [Theory]
    [InlineData(32, true)]
    [InlineData(28, true)]
    [InlineData(28, false)]
    public void LambdaIsTheMasksMeanTheTargetsAreMixedByItAndTheMaskHasTheLabelValues(int size, bool transport)
    {
        using var scope = torch.NewDisposeScope();
        using var g = new Generator((ulong)size);
        var x = torch.rand(new long[] { 16, 3, size, size }, generator: g);
        var saliency = torch.rand(new long[] { 16, 1, size, size }, generator: g);
        var labels = torch.arange(16, dtype: ScalarType.Int64) % Classes;
        var puzzle = new PuzzleMix(Classes, new PuzzleMixOptions { Transport = transport });
        for (int draw = 0; draw < 6; draw++)
        {
            using var mixed = puzzle.Apply(x, labels, saliency, g);
            var p = mixed.Parameters;
            Assert.Contains((int)p.GridSide, puzzle.BlockSidesFor(size));
            var values = p.Masks.unique().Item1.data<float>().ToArray();
            Assert.All(values, v => Assert.Contains(v, new[] { 0f, 0.5f, 1f }));
            var lambda = p.LambdaValues();
            var partner = p.PartnerValues();
            var means = p.Masks.flatten(1).to_type(ScalarType.Float64).mean(new long[] { 1 }).data<double>().ToArray();
            Assert.All(Enumerable.Range(0, 16), i => Assert.Equal(means[i], lambda[i], 9));
            var expected = (torch.nn.functional.one_hot(labels, Classes).to_type(ScalarType.Float64) * torch.tensor(lambda).unsqueeze(1))
                + (torch.nn.functional.one_hot(labels.index_select(0, torch.tensor(partner)), Classes).to_type(ScalarType.Float64) * (1 - torch.tensor(lambda)).unsqueeze(1));
            Assert.True(mixed.Targets.to_type(ScalarType.Float64).allclose(expected, atol: 1e-6));
            Assert.Equal(transport, p.Sources is not null);
        }
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    [Fact]
    public void TheDefaultSidesAreTheReferencesOn32PixelsAndTheDivisorsUpTo16Otherwise()
    {
        var puzzle = new PuzzleMix(Classes);
        Assert.Equal(new[] { 2, 4, 8, 16 }, puzzle.BlockSidesFor(32));
        Assert.Equal(new[] { 2, 4, 7, 14 }, puzzle.BlockSidesFor(28));
        Assert.Throws<ArgumentException>(() => puzzle.BlockSidesFor(17));
        Assert.Throws<ArgumentException>(() => new PuzzleMix(Classes, new PuzzleMixOptions { BlockSides = new[] { 5 } }).BlockSidesFor(28));
    }

    [Fact]
    public void AMaskOfOnesWithoutTransportGivesTheInputsBack()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.rand(4, 1, 8, 8);
        using var p = new PuzzleMixParameters(torch.ones(4, 2, 2), torch.tensor(new long[] { 1, 0, 3, 2 }), torch.ones(4, ScalarType.Float64), null);
        using var mixed = new PuzzleMix(Classes).Apply(x, torch.tensor(new long[] { 0, 1, 2, 3 }), p);
        Assert.True(Same(mixed.Inputs, x));
    }

    [Fact]
    public void BadInputIsRefusedNamingWhatWasExpected()
    {
        using var scope = torch.NewDisposeScope();
        var puzzle = new PuzzleMix(Classes);
        var x = torch.rand(2, 3, 8, 8);
        Assert.Contains("saliency must be floating [2, 8, 8]", Assert.Throws<ArgumentException>(() => puzzle.Sample(x, torch.rand(2, 4, 4))).Message);
        Assert.Contains("non-negative", Assert.Throws<ArgumentOutOfRangeException>(() => puzzle.Sample(x, -torch.ones(2, 8, 8))).Message);
        Assert.Contains("square images", Assert.Throws<ArgumentException>(() => puzzle.Sample(torch.rand(2, 3, 8, 6), torch.rand(2, 8, 6))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PuzzleMix(Classes, new PuzzleMixOptions { Labels = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PuzzleMix(Classes, new PuzzleMixOptions { Alpha = 0 }));
        using var wrong = new PuzzleMixParameters(torch.ones(2, 2, 2), torch.tensor(new long[] { 1, 0 }), torch.full(2, 0.5, ScalarType.Float64), null);
        Assert.Contains("each mask's mean", Assert.Throws<ArgumentException>(() => puzzle.Apply(x, torch.tensor(new long[] { 0, 1 }), wrong)).Message);
        using var badSources = new PuzzleMixParameters(torch.ones(2, 2, 2), torch.tensor(new long[] { 1, 0 }), torch.ones(2, ScalarType.Float64), torch.full(new long[] { 2, 2, 4 }, 9L));
        Assert.Contains("block indices", Assert.Throws<ArgumentOutOfRangeException>(() => puzzle.Apply(x, torch.tensor(new long[] { 0, 1 }), badSources)).Message);
    }
}
