using System;
using System.Collections.Generic;
using System.Linq;

namespace MixupSharp.Training.Reports;

/// <summary>The result of Welch's unequal-variance t-test.</summary>
/// <param name="T">The t statistic (mean of a minus mean of b, over the standard error).</param>
/// <param name="DegreesOfFreedom">The Welch–Satterthwaite degrees of freedom.</param>
/// <param name="PValue">The two-sided p-value; NaN when either sample has fewer than 2 values or both have zero variance.</param>
public sealed record WelchResult(double T, double DegreesOfFreedom, double PValue);

/// <summary>The result of a paired t-test: the mean difference a − b over the pairs, its 95% confidence interval, and the two-sided p-value.</summary>
/// <param name="Pairs">The number of pairs.</param>
/// <param name="MeanDifference">The mean of a − b.</param>
/// <param name="Low">The lower end of the 95% confidence interval of the mean difference (t distribution, n − 1 df).</param>
/// <param name="High">The upper end.</param>
/// <param name="PValue">The two-sided p-value; NaN for fewer than 2 pairs or no variation in the differences.</param>
public sealed record PairedResult(int Pairs, double MeanDifference, double Low, double High, double PValue);

/// <summary>Summary statistics for comparing runs across seeds.</summary>
public static class Statistics
{
    /// <summary>The arithmetic mean; NaN for no values.</summary>
    public static double Mean(IReadOnlyCollection<double> values) => values.Count == 0 ? double.NaN : values.Average();

    /// <summary>The sample standard deviation (n − 1 in the denominator); NaN for fewer than 2 values.</summary>
    public static double StandardDeviation(IReadOnlyCollection<double> values)
    {
        if (values.Count < 2)
        {
            return double.NaN;
        }

        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>The median; NaN for no values.</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.OrderBy(v => v).ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>
    /// The paired t-test of a − b (pairs at the same index, e.g. runs sharing a seed and so a training subset), with the
    /// 95% confidence interval of the mean difference: an effect size with its uncertainty, not only a p-value.
    /// </summary>
    public static PairedResult PairedTTest(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"a paired test needs as many values on each side; got {a.Count} and {b.Count}.", nameof(b));
        }

        var d = a.Zip(b, (x, y) => x - y).ToArray();
        double mean = Mean(d), sd = StandardDeviation(d);
        if (d.Length < 2 || !(sd > 0))
        {
            return new PairedResult(d.Length, mean, double.NaN, double.NaN, double.NaN);
        }

        double se = sd / Math.Sqrt(d.Length), df = d.Length - 1, half = StudentTQuantile975(df) * se;
        return new PairedResult(d.Length, mean, mean - half, mean + half, StudentTTwoSided(mean / se, df));
    }

    /// <summary>The 0.975 quantile of Student's t with <paramref name="df"/> degrees of freedom (bisection on the two-sided tail, to 1e-12).</summary>
    public static double StudentTQuantile975(double df)
    {
        double low = 0, high = 1000;
        while (high - low > 1e-12)
        {
            double mid = (low + high) / 2;
            (low, high) = StudentTTwoSided(mid, df) > 0.05 ? (mid, high) : (low, mid);
        }

        return (low + high) / 2;
    }

    /// <summary>
    /// Holm's step-down adjustment of a family of p-values (controls the family-wise error rate): the k-th smallest of m
    /// is multiplied by m − k + 1, made non-decreasing, capped at 1. A NaN (a comparison without a test: too few pairs,
    /// or no variation in the differences) stays NaN but still counts in m, ranked last, as a comparison that was made
    /// and cannot be rejected; leaving it out would shrink the family and understate every other adjusted p.
    /// </summary>
    public static double[] Holm(IReadOnlyList<double> pValues)
    {
        ArgumentNullException.ThrowIfNull(pValues);
        int m = pValues.Count;
        var order = Enumerable.Range(0, m).Where(i => !double.IsNaN(pValues[i])).OrderBy(i => pValues[i]).ToArray();
        var adjusted = pValues.Select(_ => double.NaN).ToArray();
        double running = 0;
        for (int k = 0; k < order.Length; k++)
        {
            running = Math.Max(running, Math.Min(1, (m - k) * pValues[order[k]]));
            adjusted[order[k]] = running;
        }

        return adjusted;
    }

    /// <summary>Welch's t-test of equal means without assuming equal variances, two-sided.</summary>
    public static WelchResult WelchTTest(IReadOnlyCollection<double> a, IReadOnlyCollection<double> b)
    {
        if (a.Count < 2 || b.Count < 2)
        {
            return new WelchResult(double.NaN, double.NaN, double.NaN);
        }

        double va = Math.Pow(StandardDeviation(a), 2) / a.Count, vb = Math.Pow(StandardDeviation(b), 2) / b.Count;
        double diff = Mean(a) - Mean(b);
        if (va + vb == 0)
        {
            return new WelchResult(diff == 0 ? 0 : Math.Sign(diff) * double.PositiveInfinity, double.NaN, diff == 0 ? 1 : 0);
        }

        double t = diff / Math.Sqrt(va + vb);
        double df = Math.Pow(va + vb, 2) / ((va * va / (a.Count - 1)) + (vb * vb / (b.Count - 1)));
        return new WelchResult(t, df, StudentTTwoSided(t, df));
    }

    /// <summary>P(|T| ≥ |t|) for Student's t with <paramref name="df"/> degrees of freedom: I_{df/(df+t²)}(df/2, 1/2).</summary>
    public static double StudentTTwoSided(double t, double df)
    {
        if (!(df > 0) || double.IsNaN(t))
        {
            throw new ArgumentOutOfRangeException(nameof(df), $"degrees of freedom must be > 0 and t a number; got df={df}, t={t}.");
        }

        return RegularizedIncompleteBeta(df / 2, 0.5, df / (df + (t * t)));
    }

    /// <summary>The regularized incomplete beta function I_x(a, b), by its continued fraction (Lentz's method).</summary>
    public static double RegularizedIncompleteBeta(double a, double b, double x)
    {
        if (x < 0 || x > 1 || !(a > 0) || !(b > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(x), $"need a, b > 0 and x in [0, 1]; got a={a}, b={b}, x={x}.");
        }

        if (x == 0 || x == 1)
        {
            return x;
        }

        double front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + (a * Math.Log(x)) + (b * Math.Log(1 - x)));

        // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
        return x < (a + 1) / (a + b + 2)
            ? front * BetaContinuedFraction(a, b, x) / a
            : 1 - (front * BetaContinuedFraction(b, a, 1 - x) / b);
    }

    private static double BetaContinuedFraction(double a, double b, double x)
    {
        const double tiny = 1e-300;
        double c = 1, d = 1 - ((a + b) * x / (a + 1));
        d = Math.Abs(d) < tiny ? tiny : d;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 500; m++)
        {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((a - 1 + m2) * (a + m2));
            d = 1 + (aa * d);
            d = Math.Abs(d) < tiny ? tiny : d;
            c = 1 + (aa / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2));
            d = 1 + (aa * d);
            d = Math.Abs(d) < tiny ? tiny : d;
            c = 1 + (aa / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double step = d * c;
            h *= step;
            if (Math.Abs(step - 1) < 1e-15)
            {
                break;
            }
        }

        return h;
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos approximation, g = 7, 9 terms; relative error below 1e-14).</summary>
    public static double LogGamma(double x)
    {
        ReadOnlySpan<double> c = stackalloc double[]
        {
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        };
        if (x < 0.5)
        {
            // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        double sum = c[0];
        for (int i = 1; i < c.Length; i++)
        {
            sum += c[i] / (x + i);
        }

        double t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }
}
