using System;
using System.Linq;
using MixupSharp.Distortion;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Distortion;

public sealed class StandardTransformTests
{
    [Fact]
    public void CropsStayInsideThePaddedImageAndCopyTheRightWindow()
    {
        using var g = new Generator(1);
        using var x = T.DistinctImages(64, 2, 8, 8);
        var crop = new RandomCrop(new RandomCropOptions { Padding = 3 });
        using var result = crop.Apply(x, g);
        var offsets = T.L(result.Parameters.Offsets);
        Assert.All(offsets, o => Assert.InRange(o, 0, 6));
        Assert.Contains(0L, offsets);
        Assert.Contains(6L, offsets);
        using var padded = nn.functional.pad(x, new long[] { 3, 3, 3, 3 });
        for (int i = 0; i < 64; i++)
        {
            int top = (int)offsets[i * 2], left = (int)offsets[(i * 2) + 1];
            T.SameBytes(padded[i, .., top..(top + 8), left..(left + 8)], result.Inputs[i]);
        }
    }

    [Fact]
    public void CropAtThePaddingOffsetIsTheIdentityAndWorksOnAnyDtype()
    {
        using var x = torch.randint(0, 255, new long[] { 3, 3, 6, 7 }, dtype: ScalarType.Byte);
        using var p = new CropParameters(torch.full(new long[] { 3, 2 }, 4L, dtype: ScalarType.Int64), 4, 6, 7);
        using var same = new RandomCrop().Apply(x, p);
        T.SameBytes(x, same.Inputs);
        using var outside = new CropParameters(torch.full(new long[] { 3, 2 }, 9L, dtype: ScalarType.Int64), 4, 6, 7);
        Assert.Contains("inside the padded", Assert.ThrowsAny<ArgumentException>(() => new RandomCrop().Apply(x, outside)).Message);
    }

    [Fact]
    public void CropToASmallerSize()
    {
        using var g = new Generator(2);
        using var x = torch.rand(5, 3, 32, 32);
        using var result = new RandomCrop(new RandomCropOptions { Padding = 0, Size = (24, 20) }).Apply(x, g);
        Assert.Equal(new long[] { 5, 3, 24, 20 }, result.Inputs.shape);
    }

    [Fact]
    public void FlipTwiceIsTheInputAndFlipsFollowTheProbability()
    {
        using var g = new Generator(3);
        using var x = torch.rand(200, 3, 5, 6);
        var flip = new RandomHorizontalFlip();
        using var once = flip.Apply(x, g);
        using var twice = flip.Apply(once.Inputs, once.Parameters);
        T.SameBytes(x, twice.Inputs);
        var flipped = once.Parameters.Flipped.data<bool>().ToArray();
        Assert.InRange(flipped.Count(f => f), 70, 130);
        foreach (int i in Enumerable.Range(0, 200))
        {
            T.SameBytes(flipped[i] ? x[i].flip(2) : x[i], once.Inputs[i]);
        }

        using var never = new RandomHorizontalFlip(0).Apply(x, g);
        T.SameBytes(x, never.Inputs);
    }

    [Fact]
    public void NormalizeIsPerChannelAndInvertible()
    {
        using var x = torch.rand(4, 3, 5, 5, dtype: ScalarType.Float64);
        var normalize = new Normalize(new[] { 0.4914, 0.4822, 0.4465 }, new[] { 0.2023, 0.1994, 0.2010 });
        using var z = normalize.Transform(x);
        Assert.Equal((x[1, 2, 3, 4].item<double>() - 0.4465) / 0.2010, z[1, 2, 3, 4].item<double>(), 12);
        T.Close(x, normalize.Inverse(z), 1e-12);
        using var gray = torch.rand(2, 1, 4, 4);
        Assert.Contains("3 channel statistics", Assert.ThrowsAny<ArgumentException>(() => normalize.Transform(gray)).Message);
        Assert.ThrowsAny<ArgumentException>(() => new Normalize(new[] { 0.5 }, new[] { 0.0 }));
    }

    [Fact]
    public void CropAndFlipAreSeededAndReplayable()
    {
        using var x = torch.rand(8, 3, 10, 10);
        var crop = new RandomCrop(new RandomCropOptions { Padding = 2 });
        using var g1 = new Generator(5);
        using var g2 = new Generator(5);
        using var a = crop.Apply(x, g1);
        using var b = crop.Apply(x, g2);
        using var replay = crop.Apply(x, a.Parameters);
        T.SameBytes(a.Inputs, b.Inputs);
        T.SameBytes(a.Inputs, replay.Inputs);
    }
}
