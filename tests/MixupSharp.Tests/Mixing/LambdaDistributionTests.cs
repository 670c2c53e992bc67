using System;
using System.Linq;
using MixupSharp.Mixing;
using MixupSharp.Tests.Support;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Mixing;

/// <summary>Statistical checks: λ follows Beta(α, α), gates and box areas follow their stated laws.</summary>
public sealed class LambdaDistributionTests
{
    [Theory]
    [InlineData(0.2)]
    [InlineData(1.0)]
    [InlineData(4.0)]
    public void MixupLambdaFollowsBetaAlphaAlpha(double alpha)
    {
        using var g = new Generator(20180101);
        using var p = new Mixup(2, new MixupOptions { Alpha = alpha, Mode = MixMode.PerSample }).Sample(new long[] { 4000, 1 }, g);
        var lam = p.LambdaValues();
        var partner = p.PartnerValues();
        AssertBetaAlphaAlpha(lam.Where((_, i) => partner[i] != i).ToArray(), alpha);
    }

    /// <summary>KS fit to Beta(α, α), and the test's power: the same draws are far from Beta(3α, 3α).</summary>
    private static void AssertBetaAlphaAlpha(double[] lam, double alpha)
    {
        double d = Stats.KolmogorovSmirnov(lam, v => Stats.BetaCdf(v, alpha, alpha));
        Assert.True(d < Stats.KsCritical001(lam.Length), $"KS D = {d:F4} ≥ {Stats.KsCritical001(lam.Length):F4} for Beta({alpha}, {alpha})");
        double wrong = Stats.KolmogorovSmirnov(lam, v => Stats.BetaCdf(v, alpha * 3, alpha * 3));
        Assert.True(wrong > Stats.KsCritical001(lam.Length), $"KS against the wrong law Beta({alpha * 3}) was only {wrong:F4}");
    }

    /// <summary>The public draws (for methods outside the library) follow Beta(α, α) and replay with a seed.</summary>
    [Theory]
    [InlineData(0.2)]
    [InlineData(2.0)]
    public void LambdaDrawsFollowBetaAndReplay(double alpha)
    {
        using var g = new Generator(2103);
        AssertBetaAlphaAlpha(LambdaDraws.Beta(alpha, 4000, g), alpha);

        using var a = new Generator(5);
        using var b = new Generator(5);
        Assert.Equal(LambdaDraws.Beta(alpha, 16, a), LambdaDraws.Beta(alpha, 16, b));
    }

    [Fact]
    public void LambdaDrawsAtAlphaZeroDoNotMixAndABadAlphaIsRefused()
    {
        Assert.All(LambdaDraws.Beta(0, 5, null), l => Assert.Equal(1.0, l));
        Assert.Empty(LambdaDraws.Beta(1, 0, null));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => LambdaDraws.Beta(double.NaN, 3, null));
        Assert.Contains("alpha must be a finite number ≥ 0 (0 disables mixing); got NaN.", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => LambdaDraws.Beta(-1, 3, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => LambdaDraws.Beta(1, -1, null));
    }

    [Fact]
    public void PerBatchLambdaAcrossBatchesFollowsBeta()
    {
        using var g = new Generator(7);
        var mixup = new Mixup(2, new MixupOptions { Alpha = 0.4 });
        // One λ per batch, read from a sample that has a partner (an identity permutation mixes nothing).
        var lam = Enumerable.Range(0, 1500).Select(_ =>
        {
            using var p = mixup.Sample(new long[] { 4, 2 }, g);
            var partner = p.PartnerValues();
            var mixed = Enumerable.Range(0, 4).Where(i => partner[i] != i).ToArray();
            return mixed.Length == 0 ? double.NaN : p.LambdaValues()[mixed[0]];
        }).Where(l => !double.IsNaN(l)).ToArray();
        Assert.True(lam.Length > 1350);
        double d = Stats.KolmogorovSmirnov(lam, v => Stats.BetaCdf(v, 0.4, 0.4));
        Assert.True(d < Stats.KsCritical001(lam.Length), $"KS D = {d:F4}");
    }

    [Fact]
    public void UncorrectedCutMixLambdaFollowsBetaAndCorrectedMeanAreaMatches()
    {
        using var g = new Generator(8);
        using var raw = new CutMix(2, new CutMixOptions { Mode = MixMode.PerSample, CorrectLambda = false }).Sample(new long[] { 4000, 1, 32, 32 }, g);
        var partner = raw.PartnerValues();
        var lam = raw.LambdaValues().Where((_, i) => partner[i] != i).ToArray();
        double d = Stats.KolmogorovSmirnov(lam, v => Stats.BetaCdf(v, 1, 1));
        Assert.True(d < Stats.KsCritical001(lam.Length), $"KS D = {d:F4}");

        // Corrected λ is 1 − area/(H·W) ≥ the drawn λ on average (clipping only removes area).
        using var g2 = new Generator(8);
        using var corrected = new CutMix(2, new CutMixOptions { Mode = MixMode.PerSample }).Sample(new long[] { 4000, 1, 32, 32 }, g2);
        Assert.True(corrected.LambdaValues().Average() > lam.Average());
    }

    [Fact]
    public void PerSampleProbabilityGatesAboutThatFractionOfSamples()
    {
        using var g = new Generator(9);
        using var p = new Mixup(2, new MixupOptions { Mode = MixMode.PerSample, Probability = 0.3 }).Sample(new long[] { 5000, 1 }, g);
        double rate = p.LambdaValues().Count(l => l < 1.0) / 5000.0;
        double sd = Math.Sqrt(0.3 * 0.7 / 5000);
        Assert.InRange(rate, 0.3 - (4 * sd), 0.3 + (4 * sd));
    }

    [Fact]
    public void BetaCdfHelperIsRight()
    {
        Assert.Equal(0.5, Stats.BetaCdf(0.5, 0.2, 0.2), 10);
        Assert.Equal(0.3, Stats.BetaCdf(0.3, 1, 1), 10);
        Assert.Equal((3 * 0.04) - (2 * 0.008), Stats.BetaCdf(0.2, 2, 2), 10);   // I_x(2,2) = 3x² − 2x³
    }
}
