using System;
using System.Linq;
using MixupSharp.Training.Reports;
using Xunit;

namespace MixupSharp.Tests.Training;

/// <summary>The paired t-test with its confidence interval, Student's t quantile, and Holm's adjustment, on values computed by hand.</summary>
public sealed class PairedStatisticsTests
{
    [Fact]
    public void ThePairedTestMatchesHandComputedValues()
    {
        // d = (1, 1.5, 1.5, 1): mean 1.25, sd 0.288675, t = 8.660254 with 3 df, two-sided p = 0.0032390 (Simpson on the t density),
        // 95% CI 1.25 ± 3.182446 · 0.288675 / 2.
        var r = Statistics.PairedTTest(new[] { 1.0, 2, 3, 4 }, new[] { 0.0, 0.5, 1.5, 3 });
        Assert.Equal(4, r.Pairs);
        Assert.Equal(1.25, r.MeanDifference, 12);
        Assert.Equal(0.0032390, r.PValue, 6);
        Assert.Equal(1.25 - (3.182446305 * 0.28867513459 / 2), r.Low, 6);
        Assert.Equal(1.25 + (3.182446305 * 0.28867513459 / 2), r.High, 6);
    }

    [Theory]
    [InlineData(3, 3.182446305)]
    [InlineData(4, 2.776445105)]
    [InlineData(9, 2.262157163)]
    public void TheQuantileIsStudentsTable(double df, double expected) => Assert.Equal(expected, Statistics.StudentTQuantile975(df), 6);

    [Fact]
    public void HolmMultipliesByTheRankAndKeepsTheOrder()
    {
        Assert.Equal(new[] { 0.03, 0.06, 0.06 }, Statistics.Holm(new[] { 0.01, 0.04, 0.03 }).Select(p => Math.Round(p, 12)));
        Assert.Equal(new[] { 1.0, 1.0 }, Statistics.Holm(new[] { 0.6, 0.9 }));
        var withNan = Statistics.Holm(new[] { double.NaN, 0.02, 0.01 });
        Assert.True(double.IsNaN(withNan[0]));
        Assert.Equal(new[] { 0.04, 0.03 }, withNan.Skip(1).Select(p => Math.Round(p, 12)));   // m = 3: the untested comparison still counts
    }

    [Fact]
    public void TooFewPairsOrNoVariationGiveNoPValue()
    {
        Assert.True(double.IsNaN(Statistics.PairedTTest(new[] { 1.0 }, new[] { 0.5 }).PValue));
        Assert.True(double.IsNaN(Statistics.PairedTTest(new[] { 1.0, 2 }, new[] { 0.0, 1 }).PValue));
        Assert.Throws<ArgumentException>(() => Statistics.PairedTTest(new[] { 1.0 }, new[] { 1.0, 2 }));
    }
}
