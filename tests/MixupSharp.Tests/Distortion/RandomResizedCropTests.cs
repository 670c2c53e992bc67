using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using MixupSharp.Distortion;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Distortion;

/// <summary>
/// RandomResizedCrop against torchvision 0.14's own (tests/reference/rrc-reference.json, written by rrc_reference.py):
/// the distribution of the crops' area fractions and aspect ratios (two-sample Kolmogorov–Smirnov), the centre-crop
/// fallback exactly, and the resized pixels.
/// </summary>
public sealed class RandomResizedCropTests
{
    private static JsonElement Reference()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.RepoRoot, "tests", "reference", "rrc-reference.json")));
        return document.RootElement.Clone();
    }

    /// <summary>The two-sample Kolmogorov–Smirnov statistic sup |F1 − F2|.</summary>
    private static double TwoSampleKs(double[] a, double[] b)
    {
        var sa = a.OrderBy(v => v).ToArray();
        var sb = b.OrderBy(v => v).ToArray();
        double d = 0;
        int i = 0, j = 0;
        while (i < sa.Length && j < sb.Length)
        {
            double v = Math.Min(sa[i], sb[j]);
            while (i < sa.Length && sa[i] <= v)
            {
                i++;
            }

            while (j < sb.Length && sb[j] <= v)
            {
                j++;
            }

            d = Math.Max(d, Math.Abs(((double)i / sa.Length) - ((double)j / sb.Length)));
        }

        return d;
    }

    [Theory]
    [InlineData(32, 32)]
    [InlineData(256, 320)]
    [InlineData(40, 28)]
    public void AreaFractionsAndAspectRatiosAreDistributedAsTorchvisions(int height, int width)
    {
        var theirs = Reference().GetProperty("draws").GetProperty($"{height}x{width}").EnumerateArray()
            .Select(b => b.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToList();
        using var drawn = new RandomResizedCrop(8).Sample(new long[] { 4000, 3, height, width }, new Generator(11));
        long[] flat = drawn.Boxes.data<long>().ToArray();
        var ours = Enumerable.Range(0, 4000).Select(k => flat.Skip(k * 4).Take(4).ToArray()).ToList();
        double Area(long[] box) => (double)box[2] * box[3] / (height * width);
        double Aspect(long[] box) => (double)box[3] / box[2];
        double critical = 1.9495 * Math.Sqrt(2.0 / 4000);   // α = 0.001, two samples of 4,000
        Assert.True(TwoSampleKs(ours.Select(Area).ToArray(), theirs.Select(Area).ToArray()) < critical, "area fraction");
        Assert.True(TwoSampleKs(ours.Select(Aspect).ToArray(), theirs.Select(Aspect).ToArray()) < critical, "aspect ratio");
        Assert.All(ours, b => Assert.True(b[0] >= 0 && b[1] >= 0 && b[0] + b[2] <= height && b[1] + b[3] <= width));
    }

    [Fact]
    public void TheFallbackIsTorchvisionsCentreCrop()
    {
        foreach (var entry in Reference().GetProperty("fallback").EnumerateObject())
        {
            var parts = entry.Name.Split(' ');
            var hw = parts[0].Split('x').Select(long.Parse).ToArray();
            var ratio = parts[1].Split(',').Select(double.Parse).ToArray();
            var op = new RandomResizedCrop(8, new RandomResizedCropOptions { Scale = (5, 6), Ratio = (ratio[0], ratio[1]) });
            var expected = entry.Value.EnumerateArray().Select(v => v.GetInt64()).ToArray();
            var (top, left, h, w) = op.Box(hw[0], hw[1], Enumerable.Repeat(0.5, 40).ToArray());
            Assert.Equal(expected, new[] { top, left, h, w });
        }
    }

    [Fact]
    public void TheResizedPixelsAreTorchvisionsResizedCrop()
    {
        var reference = Reference();
        var shape = reference.GetProperty("image_shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        using var scope = torch.NewDisposeScope();
        var image = torch.tensor(reference.GetProperty("image").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray(), shape).unsqueeze(0);
        foreach (var c in reference.GetProperty("resized").EnumerateArray())
        {
            long[] box = c.GetProperty("box").EnumerateArray().Select(v => v.GetInt64()).ToArray();
            var expected = torch.tensor(c.GetProperty("output").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray(), new long[] { 1, 3, 8, 8 });
            using var parameters = new ResizedCropParameters(torch.tensor(box, new long[] { 1, 4 }), 8);
            var ours = new RandomResizedCrop(8).Transform(image, parameters);
            Assert.True((ours - expected).abs().max().item<float>() < 1e-5f, string.Join(",", box));
        }
    }

    [Fact]
    public void SameSeedSameBoxesAndBadBoxesAreRefused()
    {
        using var scope = torch.NewDisposeScope();
        var op = new RandomResizedCrop(16);
        var images = torch.rand(new long[] { 5, 3, 40, 30 }, generator: new Generator(1));
        using var a = op.Apply(images, new Generator(4));
        using var b = op.Apply(images, new Generator(4));
        T.SameBytes(a.Inputs, b.Inputs);
        Assert.Equal(new long[] { 5, 3, 16, 16 }, a.Inputs.shape);
        using var outside = new ResizedCropParameters(torch.tensor(new long[] { 30, 0, 20, 10 }, new long[] { 1, 4 }), 16);
        Assert.Contains("must lie inside the 40×30 image", Assert.ThrowsAny<ArgumentException>(() => op.Transform(images.narrow(0, 0, 1), outside)).Message);
        Assert.Contains("Scale must satisfy", Assert.ThrowsAny<ArgumentException>(() => new RandomResizedCrop(8, new RandomResizedCropOptions { Scale = (0.5, 0.1) })).Message);
    }
}
