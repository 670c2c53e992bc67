using System;
using System.Linq;
using MixupSharp.Distortion;
using MixupSharp.Masking;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Masking;

/// <summary>Random Erasing's fills in the space of the normalization that follows, as timm erases normalized images.</summary>
public sealed class NormalizedFillTests
{
    private static readonly double[] Mean = { 0.4914, 0.4822, 0.4465 };
    private static readonly double[] Std = { 0.2023, 0.1994, 0.2010 };

    private static (Tensor Erased, Tensor Normalized, Tensor Hole, Tensor Fill) Erase(MaskFill fill, int seed)
    {
        var images = torch.rand(new long[] { 64, 3, 32, 32 }, generator: new Generator(1));
        var erasing = new RandomErasing(new RandomErasingOptions { Probability = 1, AreaRange = (0.3, 0.33), Fill = fill, NormalizedFill = new NormalizedFill(Mean, Std) });
        using var drawn = erasing.Sample(images.shape, new Generator((ulong)seed));
        var erased = erasing.Transform(images, drawn);
        var normalized = new Normalize(Mean, Std).Transform(erased);
        var hole = drawn.Mask.logical_not().expand(64, 3, 32, 32);
        var normalizedFill = (drawn.Fill - torch.tensor(Mean.Select(v => (float)v).ToArray()).reshape(1, 3, 1, 1)) / torch.tensor(Std.Select(v => (float)v).ToArray()).reshape(1, 3, 1, 1);
        return (erased, normalized, hole, normalizedFill.detach().clone());
    }

    [Fact]
    public void ConstantFillsTheMeanWhichNormalizesToZero()
    {
        using var scope = torch.NewDisposeScope();
        var (_, normalized, hole, _) = Erase(MaskFill.Constant, 2);
        Assert.True(hole.any().item<bool>());
        Assert.True(normalized.masked_select(hole).abs().max().item<float>() < 1e-5f);
    }

    [Theory]
    [InlineData(MaskFill.RandomPerPixel)]
    [InlineData(MaskFill.RandomPerChannel)]
    public void RandomFillsNormalizeToAStandardNormal(MaskFill fill)
    {
        using var scope = torch.NewDisposeScope();
        var (_, normalized, hole, drawnFill) = Erase(fill, 3);
        var values = fill == MaskFill.RandomPerPixel
            ? normalized.masked_select(hole).to_type(ScalarType.Float64)
            : drawnFill.flatten().to_type(ScalarType.Float64);   // one value per (sample, channel)
        if (fill == MaskFill.RandomPerChannel)
        {
            // And the erased pixels carry them: normalized, each hole is its channel's drawn value.
            Assert.True((normalized - drawnFill).masked_select(hole).abs().max().item<float>() < 1e-4f);
        }
        double mean = values.mean().item<double>(), sd = values.std().item<double>();
        long n = values.shape[0];
        Assert.True(n >= 150, $"{n} values");
        Assert.InRange(mean, -4 / Math.Sqrt(n), 4 / Math.Sqrt(n));
        Assert.InRange(sd, 1 - (6 / Math.Sqrt(2.0 * n)), 1 + (6 / Math.Sqrt(2.0 * n)));
    }

    [Fact]
    public void StatisticsThatDoNotFitAreRefused()
    {
        Assert.Contains("NormalizedFill", Assert.ThrowsAny<ArgumentException>(() => new RandomErasing(new RandomErasingOptions { NormalizedFill = new NormalizedFill(Mean, new[] { 0.2, 0.0, 0.2 }) })).Message);
        var erasing = new RandomErasing(new RandomErasingOptions { NormalizedFill = new NormalizedFill(Mean, Std) });
        Assert.Contains("3 means and 3 deviations for images of 1 channels", Assert.ThrowsAny<ArgumentException>(() => erasing.Sample(new long[] { 2, 1, 8, 8 }, new Generator(1))).Message);
    }
}
