using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using MixupSharp.Distortion;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;

namespace MixupSharp.Tests.Distortion;

/// <summary>The evaluation transform against torchvision 0.14's Resize + CenterCrop (tests/reference/eval_transform_reference.py).</summary>
public sealed class ResizeCenterCropTests
{
    [Fact]
    public void ResizeThenCentreCropIsTorchvisions()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.RepoRoot, "tests", "reference", "eval-transform-reference.json")));
        foreach (var c in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            using var scope = torch.NewDisposeScope();
            long[] shape = c.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
            int size = c.GetProperty("size").GetInt32();
            var image = torch.tensor(c.GetProperty("image").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray(), shape).unsqueeze(0);
            var expected = torch.tensor(c.GetProperty("output").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray(), new long[] { 1, 3, size, size });
            var op = new ResizeCenterCrop(size, c.GetProperty("crop_pct").GetDouble());
            var ours = op.Transform(image);
            Assert.True((ours - expected).abs().max().item<float>() < 1e-5f, $"{string.Join("x", shape)} → {size}");
        }
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        Assert.Contains("cropFraction must be in (0, 1]", Assert.ThrowsAny<ArgumentException>(() => new ResizeCenterCrop(8, 1.5)).Message);
        Assert.Contains("needs floating images", Assert.ThrowsAny<ArgumentException>(() => new ResizeCenterCrop(8).Transform(torch.zeros(new long[] { 1, 3, 9, 9 }, dtype: torch.ScalarType.Byte))).Message);
    }
}
