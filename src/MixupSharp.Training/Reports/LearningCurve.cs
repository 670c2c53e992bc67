using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using MixupSharp.Training.Grids;
using MixupSharp.Training.Runs;

namespace MixupSharp.Training.Reports;

/// <summary>One method at one training-set size: the metric's mean and sample standard deviation over seeds, and the generalization gap's.</summary>
/// <param name="Variant">The variant (the method), as named in the grids.</param>
/// <param name="Size">The number of training images.</param>
/// <param name="Values">The metric per completed run.</param>
/// <param name="Gaps">Test − train error per completed run that measured its training error.</param>
public sealed record CurvePoint(string Variant, long Size, IReadOnlyList<double> Values, IReadOnlyList<double> Gaps)
{
    /// <summary>The mean of <see cref="Values"/>.</summary>
    public double Mean => Statistics.Mean(Values.ToArray());

    /// <summary>The sample standard deviation of <see cref="Values"/> (NaN for one run).</summary>
    public double StandardDeviation => Statistics.StandardDeviation(Values.ToArray());
}

/// <summary>
/// The learning curve of a study: a metric against the training-set size, one line per method with error bars (±1 sample
/// standard deviation over seeds), on a log scale; and the generalization gap (test − train error) the same way. Read
/// from grid folders written by <c>compare</c>, one or more per size, variants named alike across sizes.
/// </summary>
public static class LearningCurve
{
    /// <summary>Every completed run under <paramref name="gridDirs"/> (<c>variant/sSEED</c>), grouped by variant and training-set size.</summary>
    /// <param name="gridDirs">Grid folders.</param>
    /// <param name="metric">A metric of <see cref="Comparison.MetricNames"/>, e.g. test_error or best_val_test_error.</param>
    public static IReadOnlyList<CurvePoint> Collect(IEnumerable<string> gridDirs, string metric)
    {
        ArgumentNullException.ThrowIfNull(gridDirs);
        if (Array.IndexOf(Comparison.MetricNames, metric) < 0)
        {
            throw new ArgumentException($"the metric must be one of {string.Join(", ", Comparison.MetricNames)}; got '{metric}'.", nameof(metric));
        }

        var runs = new List<(string Variant, long Size, double Value, double? Gap)>();
        foreach (string grid in gridDirs)
        {
            if (!Directory.Exists(grid))
            {
                throw new DirectoryNotFoundException($"{grid}: no such grid folder.");
            }

            foreach (string runDir in Directory.EnumerateDirectories(grid).SelectMany(v => Directory.EnumerateDirectories(v, "s*")).OrderBy(d => d, StringComparer.Ordinal))
            {
                var folder = new RunFolder(runDir);
                if (!File.Exists(folder.ConfigPath) || folder.ReadSummary() is not { Completed: true } summary)
                {
                    continue;
                }

                var config = folder.ReadConfig();
                var values = Comparison.SummaryMetrics(folder, summary, testedEveryEpoch: config.Options.Validation is null || config.Options.TestEvery);
                if (!values.TryGetValue(metric, out double value))
                {
                    continue;
                }

                double? gap = summary.TestError is { } test && summary.TrainError is { } train ? test - train : null;
                runs.Add((Path.GetFileName(Path.GetDirectoryName(runDir)!)!, config.TrainImages, value, gap));
            }
        }

        return runs.GroupBy(r => (r.Variant, r.Size))
            .Select(g => new CurvePoint(g.Key.Variant, g.Key.Size, g.Select(r => r.Value).ToList(), g.Where(r => r.Gap is not null).Select(r => r.Gap!.Value).ToList()))
            .OrderBy(p => p.Variant, StringComparer.Ordinal).ThenBy(p => p.Size).ToList();
    }

    /// <summary>Draws the curves: x the training-set size (log scale), y the metric in %, error bars ±1 sd.</summary>
    public static void Plot(IReadOnlyList<CurvePoint> points, string path, string yLabel, string title, bool gap = false)
    {
        ArgumentNullException.ThrowIfNull(points);
        var plot = new ScottPlot.Plot();
        int index = 0;
        foreach (var variant in points.GroupBy(p => p.Variant))
        {
            // One palette colour per variant, set by hand: the error bars would otherwise take the next colour.
            var color = plot.Add.Palette.GetColor(index++);
            var series = variant.Select(p => (p.Size, Values: gap ? p.Gaps : p.Values)).Where(p => p.Values.Count > 0).OrderBy(p => p.Size).ToList();
            if (series.Count == 0)
            {
                continue;
            }

            double[] xs = series.Select(p => Math.Log10(p.Size)).ToArray();
            double[] ys = series.Select(p => Statistics.Mean(p.Values.ToArray()) * 100).ToArray();
            double[] errors = series.Select(p => p.Values.Count > 1 ? Statistics.StandardDeviation(p.Values.ToArray()) * 100 : 0).ToArray();
            var line = plot.Add.Scatter(xs, ys, color);
            line.LegendText = variant.Key;
            var bars = plot.Add.ErrorBar(xs, ys, errors);
            bars.Color = color;
        }

        // A log scale by hand: positions are log10(size), labelled with the sizes.
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (long size in points.Select(p => p.Size).Distinct().OrderBy(s => s))
        {
            ticks.AddMajor(Math.Log10(size), size.ToString("N0", CultureInfo.InvariantCulture));
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.Label.Text = "training images (log scale)";
        plot.Axes.Left.Label.Text = yLabel;
        plot.Title(title);
        plot.ShowLegend(ScottPlot.Edge.Right);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        plot.SavePng(path, 1000, 600);
    }

    /// <summary>The table: one row per variant, one column per size, mean ± sd (n) in %, and the gap beneath when measured.</summary>
    public static string Markdown(IReadOnlyList<CurvePoint> points, string metric)
    {
        ArgumentNullException.ThrowIfNull(points);
        var c = CultureInfo.InvariantCulture;
        long[] sizes = points.Select(p => p.Size).Distinct().OrderBy(s => s).ToArray();
        var sb = new StringBuilder();
        sb.Append(c, $"| {metric} (%) |").AppendJoin(string.Empty, sizes.Select(s => string.Create(c, $" {s:N0} |"))).AppendLine();
        sb.Append("|---|").AppendJoin(string.Empty, sizes.Select(_ => "---|")).AppendLine();
        string Cell(IReadOnlyList<double> v) => v.Count == 0 ? "–"
            : v.Count == 1 ? string.Create(c, $"{v[0] * 100:F2} (1)")
            : string.Create(c, $"{Statistics.Mean(v.ToArray()) * 100:F2} ± {Statistics.StandardDeviation(v.ToArray()) * 100:F2} ({v.Count})");
        foreach (var variant in points.GroupBy(p => p.Variant))
        {
            sb.Append(c, $"| {variant.Key} |").AppendJoin(string.Empty, sizes.Select(s => " " + Cell(variant.FirstOrDefault(p => p.Size == s)?.Values ?? Array.Empty<double>()) + " |")).AppendLine();
        }

        if (points.Any(p => p.Gaps.Count > 0))
        {
            sb.AppendLine().Append("| gap: test − train error (%) |").AppendJoin(string.Empty, sizes.Select(s => string.Create(c, $" {s:N0} |"))).AppendLine();
            sb.Append("|---|").AppendJoin(string.Empty, sizes.Select(_ => "---|")).AppendLine();
            foreach (var variant in points.GroupBy(p => p.Variant))
            {
                sb.Append(c, $"| {variant.Key} |").AppendJoin(string.Empty, sizes.Select(s => " " + Cell(variant.FirstOrDefault(p => p.Size == s)?.Gaps ?? Array.Empty<double>()) + " |")).AppendLine();
            }
        }

        return sb.ToString();
    }
}
