using System;
using System.Linq;
using MixupSharp.Mixing;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Mixing;

public sealed class MixupTests
{
    private static MixParameters Params(double[] lambda, long[] partner) =>
        new(torch.tensor(lambda, dtype: ScalarType.Float64), torch.tensor(partner, dtype: ScalarType.Int64));

    [Fact]
    public void GoldenValuesComputedByHand()
    {
        // x0 = [1, 2], x1 = [3, 5]; partner swap; λ0 = 0.25, λ1 = 0.75.
        using var x = torch.tensor(new float[] { 1, 2, 3, 5 }).reshape(2, 2);
        using var y = torch.tensor(new long[] { 0, 2 });
        using var p = Params(new[] { 0.25, 0.75 }, new long[] { 1, 0 });
        using var mixed = new Mixup(3).Apply(x, y, p);

        // x0' = 0.25·[1,2] + 0.75·[3,5] = [2.5, 4.25]; x1' = 0.75·[3,5] + 0.25·[1,2] = [2.5, 4.25]
        Assert.Equal(new float[] { 2.5f, 4.25f, 2.5f, 4.25f }, T.F(mixed.Inputs));

        // t0 = 0.25·e0 + 0.75·e2; t1 = 0.75·e2 + 0.25·e0
        Assert.Equal(new float[] { 0.25f, 0, 0.75f, 0.25f, 0, 0.75f }, T.F(mixed.Targets));
        Assert.Equal(ScalarType.Float32, mixed.Targets.dtype);
    }

    [Fact]
    public void GoldenTargetsWithLabelSmoothing()
    {
        // ε = 0.3, C = 3: off = 0.1, on = 0.8; λ = 0.5 between classes 0 and 1: [0.45, 0.45, 0.1].
        using var x = torch.zeros(2, 4);
        using var y = torch.tensor(new long[] { 0, 1 });
        using var p = Params(new[] { 0.5, 1.0 }, new long[] { 1, 0 });
        using var mixed = new Mixup(3, new MixupOptions { LabelSmoothing = 0.3 }).Apply(x, y, p);
        T.Close(torch.tensor(new float[] { 0.45f, 0.45f, 0.1f, 0.1f, 0.8f, 0.1f }).reshape(2, 3), mixed.Targets, 1e-6);
    }

    [Fact]
    public void InputsAreTheExactConvexCombinationForGivenParameters()
    {
        using var g = new Generator(11);
        using var x = torch.randn(new long[] { 5, 3, 4, 4 }, generator: g);
        using var y = torch.tensor(new long[] { 0, 1, 2, 3, 4 });
        using var p = Params(new[] { 0.1, 0.9, 0.5, 0.3, 1.0 }, new long[] { 4, 2, 0, 1, 3 });
        using var mixed = new Mixup(5).Apply(x, y, p);
        var lam = torch.tensor(new[] { 0.1, 0.9, 0.5, 0.3, 1.0 }, dtype: ScalarType.Float64).to_type(ScalarType.Float32).reshape(5, 1, 1, 1);
        var expected = (x * lam) + (x.index_select(0, torch.tensor(new long[] { 4, 2, 0, 1, 3 })) * (1.0 - lam));
        T.SameBytes(expected.narrow(0, 0, 4), mixed.Inputs.narrow(0, 0, 4));
        T.SameBytes(x[4], mixed.Inputs[4]);
    }

    [Fact]
    public void SamplesWithLambdaOneKeepTheirExactBytesIncludingNegativeZero()
    {
        using var x = torch.tensor(new float[] { -0.0f, 1.5f, 2f, -3f }).reshape(2, 2);
        using var y = torch.tensor(new long[] { 0, 1 });
        using var p = Params(new[] { 1.0, 1.0 }, new long[] { 1, 0 });
        using var mixed = new Mixup(2).Apply(x, y, p);
        T.SameBytes(x, mixed.Inputs);
        Assert.NotSame(x, mixed.Inputs);
    }

    [Fact]
    public void ProbabilityZeroReturnsTheInputUnchangedWithOneHotTargets()
    {
        using var g = new Generator(3);
        using var x = torch.randn(new long[] { 7, 2, 3, 3 }, generator: g);
        using var y = torch.tensor(new long[] { 0, 1, 2, 0, 1, 2, 0 });
        using var mixed = new Mixup(3, new MixupOptions { Probability = 0, Mode = MixMode.PerSample }).Apply(x, y, g);
        T.SameBytes(x, mixed.Inputs);
        using var onehot = SoftTargets.FromIndices(y, 3);
        T.SameBytes(onehot, mixed.Targets);
        Assert.All(mixed.Parameters.LambdaValues(), l => Assert.Equal(1.0, l));
    }

    [Fact]
    public void AlphaZeroMeansNoMixing()
    {
        using var g = new Generator(3);
        using var x = torch.randn(new long[] { 6, 8 }, generator: g);
        using var y = torch.tensor(new long[] { 0, 1, 2, 0, 1, 2 });
        using var mixed = new Mixup(3, new MixupOptions { Alpha = 0 }).Apply(x, y, g);
        T.SameBytes(x, mixed.Inputs);
        Assert.All(mixed.Parameters.LambdaValues(), l => Assert.Equal(1.0, l));
    }

    [Fact]
    public void PerBatchSharesOneLambdaAndPartnersFormAPermutation()
    {
        using var g = new Generator(5);
        using var p = new Mixup(10).Sample(new long[] { 16, 3, 8, 8 }, g);
        var lam = p.LambdaValues();
        var partner = p.PartnerValues();
        var mixed = Enumerable.Range(0, 16).Where(i => partner[i] != i).ToArray();
        Assert.True(mixed.Length >= 14);
        Assert.All(mixed, i => Assert.Equal(lam[mixed[0]], lam[i]));
        Assert.True(lam[mixed[0]] < 1.0);
        Assert.All(Enumerable.Range(0, 16).Where(i => partner[i] == i), i => Assert.Equal(1.0, lam[i]));
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (long)i), partner.OrderBy(v => v));
        Assert.Null(p.Boxes);
        Assert.Null(p.UsesCutMix);
    }

    [Fact]
    public void PerSampleDrawsIndependentLambdas()
    {
        using var g = new Generator(5);
        using var p = new Mixup(10, new MixupOptions { Mode = MixMode.PerSample }).Sample(new long[] { 32, 4 }, g);
        var partner = p.PartnerValues();
        var lam = p.LambdaValues();
        var mixed = Enumerable.Range(0, 32).Where(i => partner[i] != i).ToArray();
        Assert.Equal(mixed.Length, mixed.Select(i => lam[i]).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 32).Select(i => (long)i), partner.OrderBy(v => v));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(9)]
    public void PerPairIsAnInvolutionWithSharedLambda(int n)
    {
        using var g = new Generator(21);
        using var x = torch.randn(new long[] { n, 3 }, generator: g);
        using var y = torch.arange(n, dtype: ScalarType.Int64) % 4;
        using var mixed = new Mixup(4, new MixupOptions { Mode = MixMode.PerPair }).Apply(x, y, g);
        var partner = mixed.Parameters.PartnerValues();
        var lam = mixed.Parameters.LambdaValues();
        int selfPartnered = 0;
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(i, partner[partner[i]]);
            Assert.Equal(lam[i], lam[partner[i]]);
            if (partner[i] == i)
            {
                selfPartnered++;
                Assert.Equal(1.0, lam[i]);
                T.SameBytes(x[i], mixed.Inputs[i]);
            }
        }

        Assert.Equal(n % 2, selfPartnered);
        Assert.Equal(n / 2, lam.Where((l, i) => partner[i] > i).Distinct().Count());
    }

    [Fact]
    public void SamplesThatAreTheirOwnPartnerAreNotMixed()
    {
        // Over many PerSample draws randperm has fixed points; those samples must keep their exact bytes and λ = 1.
        using var g = new Generator(13);
        using var x = torch.randn(new long[] { 5, 7 }, generator: g);
        using var y = torch.tensor(new long[] { 0, 1, 2, 0, 1 });
        var mixup = new Mixup(3, new MixupOptions { Mode = MixMode.PerSample });
        int fixedPoints = 0;
        for (int k = 0; k < 40; k++)
        {
            using var mixed = mixup.Apply(x, y, g);
            var partner = mixed.Parameters.PartnerValues();
            var lam = mixed.Parameters.LambdaValues();
            foreach (int i in Enumerable.Range(0, 5).Where(i => partner[i] == i))
            {
                fixedPoints++;
                Assert.Equal(1.0, lam[i]);
                T.SameBytes(x[i], mixed.Inputs[i]);
            }
        }

        Assert.True(fixedPoints > 10, $"expected randperm fixed points in 40 draws, saw {fixedPoints}");
    }

    [Fact]
    public void BatchOfOneIsItsOwnPartnerAndUnchanged()
    {
        using var g = new Generator(1);
        using var x = torch.randn(new long[] { 1, 3, 4, 4 }, generator: g);
        using var y = torch.tensor(new long[] { 2 });
        foreach (var mode in Enum.GetValues<MixMode>())
        {
            using var mixed = new Mixup(3, new MixupOptions { Mode = mode }).Apply(x, y, g);
            Assert.Equal(new long[] { 0 }, mixed.Parameters.PartnerValues());
            T.SameBytes(x, mixed.Inputs);
            Assert.Equal(new float[] { 0, 0, 1 }, T.F(mixed.Targets));
        }
    }

    [Fact]
    public void ReplayEqualsTheSampledCall()
    {
        using var g = new Generator(77);
        using var x = torch.randn(new long[] { 9, 3, 5, 5 }, generator: g);
        using var y = torch.tensor(new long[] { 0, 1, 2, 3, 0, 1, 2, 3, 0 });
        var mixup = new Mixup(4, new MixupOptions { Mode = MixMode.PerSample, Probability = 0.7, LabelSmoothing = 0.1 });
        using var sampled = mixup.Apply(x, y, g);
        using var replay = mixup.Apply(x, y, sampled.Parameters);
        T.SameBytes(sampled.Inputs, replay.Inputs);
        T.SameBytes(sampled.Targets, replay.Targets);
    }

    [Fact]
    public void SameSeedGivesSameBytesAndADifferentSeedDiffers()
    {
        using var x = torch.arange(4 * 3 * 6 * 6, dtype: ScalarType.Float32).reshape(4 * 3, 36).reshape(4, 3, 6, 6) / 100;
        using var y = torch.tensor(new long[] { 0, 1, 2, 3 });
        var mixup = new Mixup(4, new MixupOptions { Mode = MixMode.PerSample });
        MixedBatch Run(ulong seed)
        {
            using var g = new Generator(seed);
            return mixup.Apply(x, y, g);
        }

        using var a = Run(123);
        using var b = Run(123);
        using var c = Run(124);
        T.SameBytes(a.Inputs, b.Inputs);
        T.SameBytes(a.Targets, b.Targets);
        Assert.NotEqual(T.Bytes(a.Inputs), T.Bytes(c.Inputs));
    }

    [Fact]
    public void TheCallersGeneratorStaysAliveAndKeepsItsStream()
    {
        // Regression: TorchSharp's Beta distribution disposes the generator it is given when it is disposed.
        using var g1 = new Generator(5);
        using var g2 = new Generator(5);
        using var x = torch.randn(4, 3);
        using var y = torch.tensor(new long[] { 0, 1, 0, 1 });
        var mixup = new Mixup(2, new MixupOptions { Mode = MixMode.PerSample });
        mixup.Apply(x, y, g1).Dispose();
        mixup.Apply(x, y, g2).Dispose();
        Assert.NotEqual(IntPtr.Zero, g1.Handle);
        Assert.Equal(T.D(torch.rand(5, dtype: ScalarType.Float64, generator: g2)), T.D(torch.rand(5, dtype: ScalarType.Float64, generator: g1)));
    }

    [Fact]
    public void CallerTensorsAreNeverModified()
    {
        using var g = new Generator(8);
        using var x = torch.randn(new long[] { 6, 3, 4, 4 }, generator: g);
        using var y = torch.tensor(new long[] { 0, 1, 2, 0, 1, 2 });
        var xBytes = T.Bytes(x);
        var yBytes = T.Bytes(y);
        using var mixed = new Mixup(3, new MixupOptions { Mode = MixMode.PerSample }).Apply(x, y, g);
        Assert.Equal(xBytes, T.Bytes(x));
        Assert.Equal(yBytes, T.Bytes(y));
        Assert.Equal(ScalarType.Int64, y.dtype);
    }

    [Fact]
    public void ProbabilityLabelsAreMixedAsGivenAndNotSmoothedAgain()
    {
        using var x = torch.zeros(2, 3);
        using var y = torch.tensor(new float[] { 0.6f, 0.4f, 0, 0, 0, 1f }).reshape(2, 3);
        using var p = Params(new[] { 0.5, 1.0 }, new long[] { 1, 0 });
        using var mixed = new Mixup(3, new MixupOptions { LabelSmoothing = 0.3 }).Apply(x, y, p);
        T.Close(torch.tensor(new float[] { 0.3f, 0.2f, 0.5f, 0, 0, 1 }).reshape(2, 3), mixed.Targets, 1e-6);
    }

    [Fact]
    public void Float64InputsGiveFloat64Targets()
    {
        using var g = new Generator(2);
        using var x = torch.randn(new long[] { 4, 5 }, dtype: ScalarType.Float64, generator: g);
        using var y = torch.tensor(new long[] { 0, 1, 0, 1 });
        using var mixed = new Mixup(2).Apply(x, y, g);
        Assert.Equal(ScalarType.Float64, mixed.Inputs.dtype);
        Assert.Equal(ScalarType.Float64, mixed.Targets.dtype);
        var lam = mixed.Parameters.LambdaValues()[0];
        var partner = mixed.Parameters.PartnerValues();
        var xs = T.D(x);
        var outs = T.D(mixed.Inputs);
        Assert.Equal((lam * xs[0]) + ((1 - lam) * xs[(int)partner[0] * 5]), outs[0], 12);
    }

    [Theory]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    public void HalfPrecisionInputsKeepTheirDtype(ScalarType dtype)
    {
        using var g = new Generator(2);
        using var x = torch.rand(new long[] { 4, 3, 4, 4 }, generator: g).to_type(dtype);
        using var y = torch.tensor(new long[] { 0, 1, 0, 1 });
        using var mixed = new Mixup(2).Apply(x, y, g);
        Assert.Equal(dtype, mixed.Inputs.dtype);
        Assert.Equal(ScalarType.Float32, mixed.Targets.dtype);
        var lam = mixed.Parameters.LambdaValues()[0];
        var partner = mixed.Parameters.PartnerValues();
        var expected = (x.to_type(ScalarType.Float32)[0] * (float)lam) + (x.to_type(ScalarType.Float32)[partner[0]] * (1 - (float)lam));
        T.Close(expected, mixed.Inputs[0].to_type(ScalarType.Float32), 1e-2);
    }

    [Theory]
    [InlineData(new long[] { 6, 16 })]
    [InlineData(new long[] { 6, 1, 20, 30 })]
    [InlineData(new long[] { 6, 4, 10 })]
    public void WorksOnAnyFloatingBatch(long[] shape)
    {
        using var g = new Generator(4);
        using var x = torch.randn(shape, generator: g);
        using var y = torch.tensor(new long[] { 0, 1, 2, 0, 1, 2 });
        using var mixed = new Mixup(3, new MixupOptions { Mode = MixMode.PerSample }).Apply(x, y, g);
        Assert.Equal(shape, mixed.Inputs.shape);
        T.Close(torch.ones(6), mixed.Targets.sum(1), 1e-6);
    }
}
