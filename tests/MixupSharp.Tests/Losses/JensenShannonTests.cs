using System;
using System.Linq;
using MixupSharp.Losses;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Losses;

public sealed class JensenShannonTests
{
    [Fact]
    public void IdenticalViewsGiveZero()
    {
        using var g = new Generator(1);
        using var z = torch.randn(new long[] { 6, 5 }, generator: g);
        Assert.Equal(0.0, JensenShannonConsistency.Compute(12, z, z.clone(), z.clone()).item<float>(), 6);
    }

    [Fact]
    public void GoldenValueComputedByHand()
    {
        // p1 = [0.75, 0.25], p2 = [0.25, 0.75], p3 = [0.5, 0.5]: M = [0.5, 0.5];
        // KL(p1‖M) = KL(p2‖M) = 0.75·ln 1.5 + 0.25·ln 0.5, KL(p3‖M) = 0; JS = 2·KL/3; weight 12.
        using var z1 = torch.tensor(new float[] { (float)Math.Log(3), 0 }).reshape(1, 2);
        using var z2 = torch.tensor(new float[] { 0, (float)Math.Log(3) }).reshape(1, 2);
        using var z3 = torch.zeros(1, 2);
        double kl = (0.75 * Math.Log(1.5)) + (0.25 * Math.Log(0.5));
        Assert.Equal(12 * 2 * kl / 3, JensenShannonConsistency.Compute(12, z1, z2, z3).item<float>(), 5);
        using var module = new JensenShannonConsistency();
        Assert.Equal(12 * 2 * kl / 3, module.call(z1, z2, z3).item<float>(), 5);
    }

    [Fact]
    public void MatchesAugMixsKlDivFormulation()
    {
        // AugMix: 12·(kl_div(log M, p1) + kl_div(log M, p2) + kl_div(log M, p3))/3 with batchmean reduction.
        using var g = new Generator(2);
        var z = Enumerable.Range(0, 3).Select(_ => torch.randn(new long[] { 8, 10 }, generator: g)).ToArray();
        var p = z.Select(v => v.softmax(1)).ToArray();
        var logM = ((p[0] + p[1] + p[2]) / 3).clamp(1e-7, 1).log();
        double expected = 12 * p.Select(pi => (pi * (pi.log() - logM)).sum().item<float>() / 8.0).Sum() / 3;
        Assert.Equal(expected, JensenShannonConsistency.Compute(12, z).item<float>(), 4);
    }

    [Fact]
    public void GradientsFlowToEveryView()
    {
        using var g = new Generator(3);
        var z = Enumerable.Range(0, 3).Select(_ => torch.randn(new long[] { 4, 3 }, generator: g).requires_grad_(true)).ToArray();
        JensenShannonConsistency.Compute(1, z).backward();
        Assert.All(z, v => Assert.True(v.grad!.abs().sum().item<float>() > 0));
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        using var a = torch.zeros(4, 3);
        using var b = torch.zeros(4, 5);
        Assert.Contains("[4, 3]", Assert.ThrowsAny<ArgumentException>(() => JensenShannonConsistency.Compute(12, a, b)).Message);
        Assert.Contains("at least two views", Assert.ThrowsAny<ArgumentException>(() => JensenShannonConsistency.Compute(12, a)).Message);
        Assert.ThrowsAny<ArgumentException>(() => new JensenShannonConsistency(-1));
    }
}
