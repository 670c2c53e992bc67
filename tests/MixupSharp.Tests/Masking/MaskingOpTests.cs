using System;
using System.Linq;
using MixupSharp.Masking;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Masking;

public sealed class MaskingOpTests
{
    [Fact]
    public void GoldenMaskApplyIsXTimesMPlusFillTimesOneMinusM()
    {
        using var x = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }).reshape(1, 2, 2, 2);
        using var mask = torch.tensor(new[] { true, false, false, true }).reshape(1, 1, 2, 2);
        using var p = new MaskParameters(mask.clone(), torch.tensor(new float[] { 10, 20 }).reshape(1, 2, 1, 1), torch.tensor(new[] { true }));
        using var masked = new PixelMask().Apply(x, p);
        Assert.Equal(new float[] { 1, 10, 10, 4, 5, 20, 20, 8 }, T.F(masked.Inputs));
    }

    [Fact]
    public void CutoutHolesHaveTheirSizeAndAreClippedAtTheBorder()
    {
        using var g = new Generator(9);
        using var p = new Cutout(new CutoutOptions { Size = 6, Holes = 1 }).Sample(new long[] { 500, 1, 20, 20 }, g);
        var r = T.L(p.Regions!);
        var kept = p.KeptFraction();
        int clipped = 0;
        for (int i = 0; i < 500; i++)
        {
            long hh = r[(i * 4) + 2] - r[i * 4], ww = r[(i * 4) + 3] - r[(i * 4) + 1];
            Assert.InRange(hh, 3, 6);
            Assert.InRange(ww, 3, 6);
            Assert.Equal(1.0 - (hh * ww / 400.0), kept[i], 12);
            clipped += hh < 6 || ww < 6 ? 1 : 0;
        }

        Assert.InRange(clipped, 100, 400);
    }

    [Fact]
    public void RandomErasingAreaStaysInRangeAndItsMeanMatchesTheLaw()
    {
        // Square erasures (aspect 1) always fit when area ≤ 1/3, so the area is uniform in [0.02, 1/3]: mean 0.1767.
        using var g = new Generator(10);
        using var p = new RandomErasing(new RandomErasingOptions { Probability = 1, AspectRange = (1, 1) }).Sample(new long[] { 3000, 1, 100, 100 }, g);
        var erased = p.KeptFraction().Select(k => 1 - k).ToArray();
        Assert.All(erased, a => Assert.InRange(a, 0.0196 - 0.003, (1.0 / 3.0) + 0.012));
        double mean = erased.Average();
        Assert.InRange(mean, 0.1767 - 0.006, 0.1767 + 0.006);
    }

    [Fact]
    public void RandomErasingWithDefaultsErasesWithinRangeWithGivenAspects()
    {
        using var g = new Generator(11);
        using var p = new RandomErasing(new RandomErasingOptions { Probability = 1 }).Sample(new long[] { 2000, 3, 32, 32 }, g);
        var r = T.L(p.Regions!);
        int erasedCount = 0;
        for (int i = 0; i < 2000; i++)
        {
            long hh = r[(i * 4) + 2] - r[i * 4], ww = r[(i * 4) + 3] - r[(i * 4) + 1];
            if (hh == 0)
            {
                continue;   // no attempt fitted
            }

            erasedCount++;
            Assert.True(hh < 32 && ww < 32);
            Assert.InRange(hh * ww / 1024.0, 0.01, 0.37);
            Assert.InRange((double)hh / ww, 0.3 / 1.6, 3.3 * 1.6);   // rounding of small sides widens the ratio a little
        }

        Assert.True(erasedCount > 1900, $"only {erasedCount} of 2000 images found a fitting rectangle");
    }

    [Fact]
    public void RandomErasingCountsSplitTheAreaAndRespectTheRange()
    {
        using var g = new Generator(12);
        using var p = new RandomErasing(new RandomErasingOptions { Probability = 1, CountRange = (2, 3), AspectRange = (1, 1) }).Sample(new long[] { 400, 1, 64, 64 }, g);
        Assert.Equal(new long[] { 400, 3, 4 }, p.Regions!.shape);
        var r = T.L(p.Regions!);
        var counts = Enumerable.Range(0, 400).Select(i => Enumerable.Range(0, 3).Count(k => r[(((i * 3) + k) * 4) + 2] > r[((i * 3) + k) * 4])).ToArray();
        Assert.All(counts, c => Assert.InRange(c, 2, 3));
        Assert.Contains(2, counts);
        Assert.Contains(3, counts);
    }

    [Fact]
    public void GridMaskKeepsAboutItsKeepRatioAndIsPeriodic()
    {
        using var g = new Generator(13);
        // d fixed at 10 on a 40x40 image: each unit loses a square of side round(10·0.6) = 6, keeping exactly 64%.
        using var p = new GridMask(new GridMaskOptions { UnitSizeRange = (10, 10), KeepRatio = 0.64 }).Sample(new long[] { 50, 1, 40, 40 }, g);
        Assert.All(p.KeptFraction(), k => Assert.Equal(0.64, k, 12));
        var m = p.Mask[0, 0];
        T.SameBytes(m.narrow(0, 0, 30), m.narrow(0, 10, 30));
        T.SameBytes(m.narrow(1, 0, 30), m.narrow(1, 10, 30));
    }

    [Fact]
    public void PixelMaskKeepRateMatchesKeepProbability()
    {
        using var g = new Generator(14);
        using var p = new PixelMask(new PixelMaskOptions { KeepProbability = 0.3, PerChannel = true }).Sample(new long[] { 20, 3, 50, 50 }, g);
        Assert.Equal(new long[] { 20, 3, 50, 50 }, p.Mask.shape);
        double rate = p.KeptFraction().Average();
        double sd = Math.Sqrt(0.3 * 0.7 / (20 * 3 * 2500));
        Assert.InRange(rate, 0.3 - (5 * sd), 0.3 + (5 * sd));
    }

    [Fact]
    public void SpectrogramMasksAreFullStripesWithinTheirWidths()
    {
        using var g = new Generator(15);
        using var p = new SpectrogramMask(new SpectrogramMaskOptions { FrequencyMasks = 1, MaxFrequencyWidth = 5, TimeMasks = 1, MaxTimeWidth = 10 }).Sample(new long[] { 200, 1, 40, 100 }, g);
        var r = T.L(p.Regions!);
        for (int i = 0; i < 200; i++)
        {
            long f0 = r[i * 8], f1 = r[(i * 8) + 2], fc0 = r[(i * 8) + 1], fc1 = r[(i * 8) + 3];
            long t0 = r[(i * 8) + 5], t1 = r[(i * 8) + 7], tr0 = r[(i * 8) + 4], tr1 = r[(i * 8) + 6];
            if (f1 > f0)
            {
                Assert.InRange(f1 - f0, 1, 5);
                Assert.Equal((0L, 100L), (fc0, fc1));
            }

            if (t1 > t0)
            {
                Assert.InRange(t1 - t0, 1, 10);
                Assert.Equal((0L, 40L), (tr0, tr1));
            }
        }

        // Stripes are whole rows and whole columns: keep(f, t) = rowKept(f) AND columnKept(t) for every spectrogram.
        for (int i = 0; i < 200; i++)
        {
            var m = p.Mask[i, 0];
            var rebuilt = m.any(1).unsqueeze(1) & m.any(0).unsqueeze(0);
            T.SameBytes(m, rebuilt);
        }
    }

    [Fact]
    public void ConstantFillWorksOnIntegerImagesButRandomFillNeedsFloats()
    {
        using var g = new Generator(16);
        using var x = torch.full(new long[] { 4, 3, 8, 8 }, 200, dtype: ScalarType.Byte);
        using var masked = new Cutout(new CutoutOptions { Size = 4, FillValue = 7 }).Apply(x, g);
        Assert.Equal(ScalarType.Byte, masked.Inputs.dtype);
        Assert.True((masked.Inputs == 7).any().item<bool>());
        var e = Assert.ThrowsAny<ArgumentException>(() => new Cutout(new CutoutOptions { Fill = MaskFill.RandomPerPixel }).Apply(x, g));
        Assert.Contains("floating", e.Message);
    }

    [Theory]
    [InlineData("holes")]
    [InlineData("size")]
    [InlineData("area")]
    [InlineData("aspect")]
    [InlineData("count")]
    [InlineData("unit")]
    [InlineData("keep")]
    [InlineData("pixelkeep")]
    [InlineData("spec")]
    [InlineData("prob")]
    public void BadOptionsAreRejectedNamingTheOption(string which)
    {
        Action make = which switch
        {
            "holes" => () => _ = new Cutout(new CutoutOptions { Holes = 0 }),
            "size" => () => _ = new Cutout(new CutoutOptions { Size = 0 }),
            "area" => () => _ = new RandomErasing(new RandomErasingOptions { AreaRange = (0.5, 0.2) }),
            "aspect" => () => _ = new RandomErasing(new RandomErasingOptions { AspectRange = (0, 2) }),
            "count" => () => _ = new RandomErasing(new RandomErasingOptions { CountRange = (0, 2) }),
            "unit" => () => _ = new GridMask(new GridMaskOptions { UnitSizeRange = (10, 5) }),
            "keep" => () => _ = new GridMask(new GridMaskOptions { KeepRatio = 1 }),
            "pixelkeep" => () => _ = new PixelMask(new PixelMaskOptions { KeepProbability = 1.5 }),
            "spec" => () => _ = new SpectrogramMask(new SpectrogramMaskOptions { FrequencyMasks = 0, TimeMasks = 0 }),
            _ => () => _ = new Cutout(new CutoutOptions { Probability = -1 }),
        };
        var e = Assert.ThrowsAny<ArgumentException>(make);
        Assert.Matches("(Cutout|RandomErasing|GridMask|PixelMask|SpectrogramMask)Options\\.", e.Message);
    }
}
