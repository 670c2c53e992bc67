using System;
using MixupSharp.Mixing;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Mixing;

public sealed class SoftTargetsTests
{
    [Fact]
    public void OneHotWithSmoothingMatchesTimm()
    {
        using var y = torch.tensor(new long[] { 2, 0 });
        using var t = SoftTargets.FromIndices(y, 4, 0.1);
        // off = 0.1/4 = 0.025; on = 1 − 0.1 + 0.025 = 0.925
        T.Close(torch.tensor(new float[] { 0.025f, 0.025f, 0.925f, 0.025f, 0.925f, 0.025f, 0.025f, 0.025f }).reshape(2, 4), t, 1e-7);
        T.Close(torch.ones(2), t.sum(1), 1e-6);
    }

    [Fact]
    public void AcceptsInt32IndicesAndHonoursDtype()
    {
        using var y = torch.tensor(new int[] { 1, 0 });
        using var t = SoftTargets.FromIndices(y, 2, dtype: ScalarType.Float64);
        Assert.Equal(ScalarType.Float64, t.dtype);
        Assert.Equal(new double[] { 0, 1, 1, 0 }, T.D(t));
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(3L)]
    public void OutOfRangeLabelsAreRejectedWithTheRange(long bad)
    {
        using var y = torch.tensor(new long[] { 0, bad });
        var e = Assert.ThrowsAny<ArgumentException>(() => SoftTargets.FromIndices(y, 3));
        Assert.Contains("[0, 3)", e.Message);
        Assert.Contains(bad.ToString(), e.Message);
    }
}
