using System;
using System.Linq;
using MixupSharp.Training.Reports;

namespace MixupSharp.Tests.Support;

/// <summary>Small statistics helpers for tests whose claims are statistical.</summary>
public static class Stats
{
    /// <summary>The CDF of Beta(a, b) at x: the regularized incomplete beta function I_x(a, b) (pinned by closed forms in EvaluationToolsTests).</summary>
    public static double BetaCdf(double x, double a, double b)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        return Statistics.RegularizedIncompleteBeta(a, b, x);
    }

    /// <summary>The two-sided Kolmogorov–Smirnov statistic D of a sample against a continuous CDF.</summary>
    public static double KolmogorovSmirnov(double[] sample, Func<double, double> cdf)
    {
        var sorted = sample.OrderBy(v => v).ToArray();
        int n = sorted.Length;
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            double f = cdf(sorted[i]);
            d = Math.Max(d, Math.Max(((i + 1.0) / n) - f, f - ((double)i / n)));
        }

        return d;
    }

    /// <summary>The KS critical value at significance 0.001 for n draws (asymptotic: 1.95 / √n).</summary>
    public static double KsCritical001(int n) => 1.9495 / Math.Sqrt(n);
}
