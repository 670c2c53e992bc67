using System;
using System.Linq;
using MixupSharp.Mixing;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Mixing;

public sealed class MixupOrCutMixTests
{
    private static readonly long[] Shape = { 64, 3, 10, 10 };

    /// <summary>The switch of the samples that have a partner other than themselves (self-partnered ones are not mixed).</summary>
    private static bool[] SwitchOfPartnered(MixParameters p)
    {
        var partner = p.PartnerValues();
        return p.UsesCutMix!.data<bool>().ToArray().Where((_, i) => partner[i] != i).ToArray();
    }

    [Fact]
    public void SwitchOneIsAlwaysCutMixAndZeroIsAlwaysMixup()
    {
        using var g = new Generator(3);
        using var cut = new MixupOrCutMix(4, new MixupOrCutMixOptions { SwitchProbability = 1, Mode = MixMode.PerSample }).Sample(Shape, g);
        Assert.All(SwitchOfPartnered(cut), Assert.True);
        using var mix = new MixupOrCutMix(4, new MixupOrCutMixOptions { SwitchProbability = 0, Mode = MixMode.PerSample }).Sample(Shape, g);
        Assert.All(mix.UsesCutMix!.data<bool>().ToArray(), Assert.False);
        Assert.All(T.L(mix.Boxes!), v => Assert.Equal(0, v));
    }

    [Fact]
    public void PerSampleMixtureAppliesEachMethodToItsOwnRows()
    {
        using var g = new Generator(17);
        using var x = T.DistinctImages(12, 2, 6, 6);
        using var y = torch.arange(12, dtype: ScalarType.Int64) % 3;
        using var mixed = new MixupOrCutMix(3, new MixupOrCutMixOptions { Mode = MixMode.PerSample }).Apply(x, y, g);
        var uses = mixed.Parameters.UsesCutMix!.data<bool>().ToArray();
        var partner = mixed.Parameters.PartnerValues();
        var lam = mixed.Parameters.LambdaValues();
        var boxes = T.L(mixed.Parameters.Boxes!);
        Assert.Contains(true, uses);
        Assert.Contains(false, uses);
        for (int i = 0; i < 12; i++)
        {
            Tensor expected;
            if (uses[i])
            {
                var box = new CutMixBox(boxes[i * 4], boxes[(i * 4) + 1], boxes[(i * 4) + 2], boxes[(i * 4) + 3]);
                Assert.Equal(box.LambdaFor(6, 6), lam[i], 12);
                expected = x[i].clone();
                expected[.., (int)box.Top..(int)box.Bottom, (int)box.Left..(int)box.Right] = x[partner[i]][.., (int)box.Top..(int)box.Bottom, (int)box.Left..(int)box.Right];
            }
            else
            {
                Assert.Equal(new long[] { 0, 0, 0, 0 }, boxes.Skip(i * 4).Take(4));
                float l = (float)lam[i];
                expected = (x[i] * l) + (x[partner[i]] * (1 - l));
            }

            T.SameBytes(expected, mixed.Inputs[i]);
        }
    }

    [Fact]
    public void PerBatchPicksOneMethodForTheWholeBatch()
    {
        using var g = new Generator(5);
        var mixer = new MixupOrCutMix(4);
        int cutBatches = 0;
        for (int k = 0; k < 40; k++)
        {
            using var p = mixer.Sample(Shape, g);
            var partner = p.PartnerValues();
            var uses = p.UsesCutMix!.data<bool>().Where((_, i) => partner[i] != i).ToArray();
            Assert.True(uses.All(u => u) || uses.All(u => !u));
            cutBatches += uses[0] ? 1 : 0;
        }

        Assert.InRange(cutBatches, 8, 32);
    }

    [Fact]
    public void SwitchRateMatchesSwitchProbability()
    {
        using var g = new Generator(9);
        using var p = new MixupOrCutMix(4, new MixupOrCutMixOptions { Mode = MixMode.PerSample, SwitchProbability = 0.3 }).Sample(new long[] { 4000, 1, 8, 8 }, g);
        double rate = p.UsesCutMix!.data<bool>().ToArray().Count(u => u) / 4000.0;
        Assert.InRange(rate, 0.3 - (4 * Math.Sqrt(0.3 * 0.7 / 4000)), 0.3 + (4 * Math.Sqrt(0.3 * 0.7 / 4000)));
    }

    [Fact]
    public void ProbabilityGatesMixingBeforeTheSwitch()
    {
        using var g = new Generator(10);
        using var p = new MixupOrCutMix(4, new MixupOrCutMixOptions { Mode = MixMode.PerSample, Probability = 0.25 }).Sample(new long[] { 4000, 1, 16, 16 }, g);
        var lam = p.LambdaValues();
        var uses = p.UsesCutMix!.data<bool>().ToArray();
        double mixedRate = lam.Count(l => l < 1.0) / 4000.0;
        Assert.InRange(mixedRate, 0.25 - 0.03, 0.25 + 0.03);
        double cutRate = uses.Count(u => u) / 4000.0;
        Assert.InRange(cutRate, 0.125 - 0.03, 0.125 + 0.03);
        var boxes = T.L(p.Boxes!);
        Assert.All(Enumerable.Range(0, 4000).Where(i => !uses[i]), i => Assert.Equal(new long[] { 0, 0, 0, 0 }, boxes.Skip(i * 4).Take(4)));
    }

    [Fact]
    public void BothAlphasZeroMeansNoMixing()
    {
        using var g = new Generator(10);
        using var x = torch.randn(new long[] { 6, 3, 5, 5 }, generator: g);
        using var y = torch.tensor(new long[] { 0, 1, 2, 0, 1, 2 });
        using var mixed = new MixupOrCutMix(3, new MixupOrCutMixOptions { MixupAlpha = 0, CutMixAlpha = 0 }).Apply(x, y, g);
        T.SameBytes(x, mixed.Inputs);
    }

    [Fact]
    public void MixupAlphaZeroLeavesOnlyCutMixAndAcceptsIntegerImages()
    {
        using var g = new Generator(10);
        using var x = torch.randint(0, 255, new long[] { 6, 3, 8, 8 }, dtype: ScalarType.Byte, generator: g);
        using var y = torch.tensor(new long[] { 0, 1, 2, 0, 1, 2 });
        using var mixed = new MixupOrCutMix(3, new MixupOrCutMixOptions { MixupAlpha = 0, Mode = MixMode.PerSample }).Apply(x, y, g);
        Assert.All(SwitchOfPartnered(mixed.Parameters), Assert.True);
        Assert.Equal(ScalarType.Byte, mixed.Inputs.dtype);
    }

    [Fact]
    public void CutMixAlphaZeroIsPlainMixupOnAnyBatch()
    {
        using var g = new Generator(10);
        using var x = torch.randn(new long[] { 6, 12 }, generator: g);
        using var y = torch.tensor(new long[] { 0, 1, 2, 0, 1, 2 });
        using var mixed = new MixupOrCutMix(3, new MixupOrCutMixOptions { CutMixAlpha = 0 }).Apply(x, y, g);
        Assert.All(mixed.Parameters.UsesCutMix!.data<bool>().ToArray(), Assert.False);
        Assert.Null(mixed.Parameters.Boxes);
    }

    [Theory]
    [InlineData(MixMode.PerBatch)]
    [InlineData(MixMode.PerPair)]
    [InlineData(MixMode.PerSample)]
    public void ReplayEqualsTheSampledCall(MixMode mode)
    {
        using var g = new Generator(50);
        using var x = torch.randn(new long[] { 11, 3, 7, 7 }, generator: g);
        using var y = torch.arange(11, dtype: ScalarType.Int64) % 5;
        var mixer = new MixupOrCutMix(5, new MixupOrCutMixOptions { Mode = mode, Probability = 0.9, LabelSmoothing = 0.1 });
        using var sampled = mixer.Apply(x, y, g);
        using var replay = mixer.Apply(x, y, sampled.Parameters);
        T.SameBytes(sampled.Inputs, replay.Inputs);
        T.SameBytes(sampled.Targets, replay.Targets);
    }

    [Fact]
    public void PerPairSharesTheSwitchLambdaAndBox()
    {
        using var g = new Generator(51);
        using var p = new MixupOrCutMix(5, new MixupOrCutMixOptions { Mode = MixMode.PerPair }).Sample(new long[] { 20, 3, 12, 12 }, g);
        var partner = p.PartnerValues();
        var uses = p.UsesCutMix!.data<bool>().ToArray();
        var lam = p.LambdaValues();
        var boxes = T.L(p.Boxes!);
        for (int i = 0; i < 20; i++)
        {
            int j = (int)partner[i];
            Assert.Equal(i, partner[j]);
            Assert.Equal(uses[i], uses[j]);
            Assert.Equal(lam[i], lam[j]);
            Assert.Equal(boxes.Skip(i * 4).Take(4), boxes.Skip(j * 4).Take(4));
        }
    }
}
