using System;
using MixupSharp.Hidden;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Hidden;

/// <summary>Manifold Mixup as a library op: draws, golden values, replay, identity and validation.</summary>
public sealed class ManifoldMixupTests
{
    [Fact]
    public void SampleDrawsAPointInRangeALambdaAndAPermutationAndReplaysExactly()
    {
        var op = new ManifoldMixup(alpha: 2);
        using var g1 = new Generator(11);
        using var g2 = new Generator(11);
        using var a = op.Sample(8, mixablePoints: 4, g1);
        using var b = op.Sample(8, mixablePoints: 4, g2);
        Assert.InRange(a.Point, 0, 3);
        Assert.InRange(a.Lambda, 0, 1);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5, 6, 7 }, System.Linq.Enumerable.OrderBy(a.PartnerValues(), v => v));
        Assert.Equal((a.Point, a.Lambda), (b.Point, b.Lambda));
        Assert.Equal(a.PartnerValues(), b.PartnerValues());
    }

    [Fact]
    public void ApplyMixesHiddenStatesAndTargetsWithTheDrawnLambdaAndPartners()
    {
        var op = new ManifoldMixup();
        using var scope = torch.NewDisposeScope();
        var hidden = torch.tensor(new float[] { 1, 2, 10, 20, 100, 200 }, new long[] { 3, 2 });
        var targets = torch.eye(3);
        using var p = new ManifoldMixupParameters(point: 1, lambda: 0.75, partner: torch.tensor(new long[] { 2, 0, 1 }));
        var (mixed, mixedTargets) = op.Apply(hidden, targets, p);

        // Row i = 0.75·h_i + 0.25·h_partner(i): row 0 = 0.75·(1, 2) + 0.25·(100, 200) = (25.75, 51.5); row 1 = 0.75·(10, 20) + 0.25·(1, 2).
        Assert.Equal(new float[] { 25.75f, 51.5f, 7.75f, 15.5f, 77.5f, 155f }, mixed.data<float>().ToArray());
        Assert.Equal(new float[] { 0.75f, 0, 0.25f, 0.25f, 0.75f, 0, 0, 0.25f, 0.75f }, mixedTargets.data<float>().ToArray());
        using var identity = new ManifoldMixupParameters(0, 1.0, torch.tensor(new long[] { 2, 0, 1 }));
        Assert.True(op.Apply(hidden, targets, identity).Hidden.equal(hidden).all().item<bool>());
    }

    [Fact]
    public void BadArgumentsNameWhatCame()
    {
        Assert.Contains("alpha", Assert.ThrowsAny<ArgumentException>(() => new ManifoldMixup(-1)).Message);
        var op = new ManifoldMixup();
        Assert.Contains("mixablePoints", Assert.ThrowsAny<ArgumentException>(() => op.Sample(4, 0)).Message);
        using var p = new ManifoldMixupParameters(0, 0.5, torch.tensor(new long[] { 1, 0 }));
        using var scope = torch.NewDisposeScope();
        Assert.Contains("3 samples", Assert.Throws<ArgumentException>(() => op.Apply(torch.zeros(3, 4), torch.zeros(3, 2), p)).Message);
        Assert.Contains("targets", Assert.Throws<ArgumentException>(() => op.Apply(torch.zeros(2, 4), torch.zeros(3, 2), p)).Message);
        Assert.Contains("lambda", Assert.ThrowsAny<ArgumentException>(() => new ManifoldMixupParameters(0, 1.5, torch.zeros(2, dtype: ScalarType.Int64))).Message);
    }
}
