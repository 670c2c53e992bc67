using System;
using System.Collections.Generic;
using System.Linq;
using MixupSharp.Masking;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Masking;

/// <summary>The checks every masking op passes: shapes and dtypes kept, p = 0 identity, p = 1 changes, untouched samples exact, seeds, replay, no leaks.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class MaskingSharedChecks
{
    public static IEnumerable<object[]> Ops()
    {
        yield return Op("Cutout", p => new Cutout(new CutoutOptions { Size = 8, Holes = 2, Probability = p }));
        yield return Op("RandomErasing", p => new RandomErasing(new RandomErasingOptions { Probability = p, Fill = MaskFill.RandomPerPixel }));
        yield return Op("RandomErasing-count", p => new RandomErasing(new RandomErasingOptions { Probability = p, CountRange = (1, 3), Fill = MaskFill.RandomPerChannel }));
        yield return Op("GridMask", p => new GridMask(new GridMaskOptions { Probability = p, UnitSizeRange = (4, 8) }));
        yield return Op("PixelMask", p => new PixelMask(new PixelMaskOptions { Probability = p, KeepProbability = 0.7 }));
        yield return Op("PixelMask-channels", p => new PixelMask(new PixelMaskOptions { Probability = p, PerChannel = true, FillValue = 0.5 }));
        yield return Op("SpectrogramMask", p => new SpectrogramMask(new SpectrogramMaskOptions { Probability = p, MaxFrequencyWidth = 4, MaxTimeWidth = 6, FillValue = 0.25 }));
    }

    private static object[] Op(string name, Func<double, BatchMasker> make) => new object[] { name, make };

    // Values in [0.5, 1.5): never equal to a fill (0, 0.25, 0.5, or uniform [0, 1) draws are < 1 but so is... see below).
    private static Tensor Images(long n = 12, long c = 3, long h = 16, long w = 20)
    {
        using var g = new Generator(4242);
        return (torch.rand(new[] { n, c, h, w }, generator: g) + 2f).to_type(ScalarType.Float32);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void ShapeAndDtypeAreKept(string name, Func<double, BatchMasker> make)
    {
        using var g = new Generator(1);
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        {
            using var x = Images().to_type(dtype);
            using var masked = make(1.0).Apply(x, g);
            Assert.Equal(x.shape, masked.Inputs.shape);
            Assert.Equal(dtype, masked.Inputs.dtype);
        }

        Assert.NotNull(name);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void ProbabilityZeroReturnsTheInputUnchanged(string name, Func<double, BatchMasker> make)
    {
        using var g = new Generator(2);
        using var x = Images();
        using var masked = make(0.0).Apply(x, g);
        T.SameBytes(x, masked.Inputs);
        Assert.All(masked.Parameters.AppliedValues(), Assert.False);
        Assert.All(masked.Parameters.KeptFraction(), f => Assert.Equal(1.0, f));
        Assert.NotNull(name);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void ProbabilityOneChangesEverySampleAndOnlyWhereTheMaskIsZero(string name, Func<double, BatchMasker> make)
    {
        using var g = new Generator(3);
        using var x = Images();
        using var masked = make(1.0).Apply(x, g);
        Assert.All(masked.Parameters.AppliedValues(), Assert.True);
        var keep = masked.Parameters.Mask.expand(x.shape);
        // Kept elements are byte-identical; removed ones hold the fill, which differs from every input value (inputs ≥ 2).
        T.SameBytes(x.masked_select(keep), masked.Inputs.masked_select(keep));
        Assert.True((masked.Inputs.masked_select(keep.logical_not()) < 2).all().item<bool>(), $"{name}: removed elements must hold the fill");
        var kept = masked.Parameters.KeptFraction();
        Assert.All(kept, f => Assert.True(f < 1.0, $"{name}: every sample should lose some elements (kept {f})"));
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void UntouchedSamplesAreByteIdenticalUnderPartialProbability(string name, Func<double, BatchMasker> make)
    {
        using var g = new Generator(5);
        using var x = Images(n: 40);
        using var masked = make(0.5).Apply(x, g);
        var applied = masked.Parameters.AppliedValues();
        Assert.Contains(true, applied);
        Assert.Contains(false, applied);
        for (int i = 0; i < applied.Length; i++)
        {
            if (!applied[i])
            {
                T.SameBytes(x[i], masked.Inputs[i]);
            }
        }

        Assert.NotNull(name);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void SameSeedSameBytesAndReplayEqualsTheSampledCall(string name, Func<double, BatchMasker> make)
    {
        using var x = Images();
        var op = make(0.8);
        using var g1 = new Generator(77);
        using var g2 = new Generator(77);
        using var a = op.Apply(x, g1);
        using var b = op.Apply(x, g2);
        using var replay = op.Apply(x, a.Parameters);
        T.SameBytes(a.Inputs, b.Inputs);
        T.SameBytes(a.Inputs, replay.Inputs);
        using var g3 = new Generator(78);
        using var c = op.Apply(x, g3);
        Assert.False(T.Bytes(a.Inputs).SequenceEqual(T.Bytes(c.Inputs)), $"{name}: a different seed should give a different mask");
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void CallerTensorIsNotModifiedAndNothingLeaks(string name, Func<double, BatchMasker> make)
    {
        using var g = new Generator(6);
        using var x = Images();
        var before = T.Bytes(x);
        var op = make(1.0);
        op.Apply(x, g).Dispose();
        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 10; i++)
        {
            using var masked = op.Apply(x, g);
        }

        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.Equal(before, T.Bytes(x));
        Assert.NotNull(name);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void BadShapesAndMismatchedParametersAreNamed(string name, Func<double, BatchMasker> make)
    {
        var op = make(1.0);
        using var flat = torch.zeros(4, 16, 16);
        var e = Assert.ThrowsAny<ArgumentException>(() => op.Apply(flat));
        Assert.Contains("[4, 16, 16]", e.Message);
        using var g = new Generator(1);
        using var p = op.Sample(new long[] { 4, 3, 16, 16 }, g);
        using var other = torch.zeros(4, 3, 16, 17);
        Assert.Contains("[4, 3, 16, 17]", Assert.ThrowsAny<ArgumentException>(() => op.Apply(other, p)).Message);
        Assert.NotNull(name);
    }
}
