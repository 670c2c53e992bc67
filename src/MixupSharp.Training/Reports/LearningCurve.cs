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
/// <param name="Seeds">The seed of each completed run (runs with one seed at one size share their training subset).</param>
/// <param name="Values">The metric per completed run, in the order of <paramref name="Seeds"/>.</param>
/// <param name="Gaps">Test − train error per completed run that measured its training error.</param>
public sealed record CurvePoint(string Variant, long Size, IReadOnlyList<long> Seeds, IReadOnlyList<double> Values, IReadOnlyList<double> Gaps)
{
    /// <summary>The mean of <see cref="Values"/>.</summary>
    public double Mean => Statistics.Mean(Values.ToArray());

    /// <summary>The sample standard deviation of <see cref="Values"/> (NaN for one run).</summary>
    public double StandardDeviation => Statistics.StandardDeviation(Values.ToArray());
}

/// <summary>One method against the baseline at one size: the paired test over the seeds both completed, and its Holm-adjusted p.</summary>
/// <param name="Variant">The method.</param>
/// <param name="Size">The number of training images.</param>
/// <param name="Test">Method − baseline, paired by seed (fractions, not points).</param>
/// <param name="HolmP">p after Holm's adjustment across the methods at this size.</param>
public sealed record CurveDifference(string Variant, long Size, PairedResult Test, double HolmP);

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
    public static IReadOnlyList<CurvePoint> Collect(IEnumerable<string> gridDirs, string metric) => Collect(gridDirs, new[] { metric })[metric];

    /// <summary>
    /// The points of each of <paramref name="metrics"/>, as <see cref="Collect(IEnumerable{string}, string)"/> gives
    /// them, reading every run once: a report of several metrics need not read the grids once per metric.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<CurvePoint>> Collect(IEnumerable<string> gridDirs, IReadOnlyList<string> metrics)
    {
        ArgumentNullException.ThrowIfNull(gridDirs);
        ArgumentNullException.ThrowIfNull(metrics);
        foreach (string metric in metrics.Where(m => Array.IndexOf(Comparison.MetricNames, m) < 0))
        {
            throw new ArgumentException($"the metric must be one of {string.Join(", ", Comparison.MetricNames)}; got '{metric}'.", nameof(metrics));
        }

        var runs = new List<(string Variant, long Size, long Seed, IReadOnlyDictionary<string, double> Values, double? Gap, string Shape, string Dir)>();
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
                double? gap = summary.TestError is { } test && summary.TrainError is { } train ? test - train : null;
                // What a run is apart from its seed: its options' hash (which leaves out the epochs) and its epochs.
                string shape = ConfigFingerprint.Of(config.Options with { Seed = 0 }) + "/" + config.Options.Epochs.ToString(CultureInfo.InvariantCulture);
                runs.Add((Path.GetFileName(Path.GetDirectoryName(runDir)!)!, config.TrainImages, config.Options.Seed, values, gap, shape, runDir));
            }
        }

        var collected = new Dictionary<string, IReadOnlyList<CurvePoint>>();
        foreach (string metric in metrics.Distinct())
        {
            var measured = runs.Where(r => r.Values.ContainsKey(metric)).ToList();
            // Seeds of one point must be repeats of one configuration; grids of two models or budgets at one size would
            // otherwise be averaged together without a word.
            foreach (var point in measured.GroupBy(r => (r.Variant, r.Size)).Where(g => g.Select(r => r.Shape).Distinct().Count() > 1))
            {
                var first = point.First();
                var other = point.First(r => r.Shape != first.Shape);
                throw new ArgumentException($"{point.Key.Variant} at {point.Key.Size:N0} images: {first.Dir} and {other.Dir} differ in more than the seed (model, options or epochs); give learning-curve the grids of one study.");
            }

            collected[metric] = measured.GroupBy(r => (r.Variant, r.Size))
                .Select(g => new CurvePoint(g.Key.Variant, g.Key.Size, g.Select(r => r.Seed).ToList(), g.Select(r => r.Values[metric]).ToList(), g.Where(r => r.Gap is not null).Select(r => r.Gap!.Value).ToList()))
                .OrderBy(p => p.Variant, StringComparer.Ordinal).ThenBy(p => p.Size).ToList();
        }

        return collected;
    }

    /// <summary>
    /// Each method against <paramref name="baseline"/> at each size where both have runs: paired by seed over the seeds
    /// both completed, with Holm's adjustment across the methods at that size (the family the study corrects over).
    /// </summary>
    public static IReadOnlyList<CurveDifference> Differences(IReadOnlyList<CurvePoint> points, string baseline)
    {
        ArgumentNullException.ThrowIfNull(points);
        var differences = new List<CurveDifference>();
        foreach (var size in points.GroupBy(p => p.Size).OrderBy(g => g.Key))
        {
            if (size.FirstOrDefault(p => p.Variant == baseline) is not { } reference)
            {
                continue;
            }

            var referenceBySeed = reference.Seeds.Zip(reference.Values).ToDictionary(x => x.First, x => x.Second);
            var byVariant = size.Where(p => p.Variant != baseline).Select(p =>
            {
                var pairs = p.Seeds.Zip(p.Values).Where(x => referenceBySeed.ContainsKey(x.First)).OrderBy(x => x.First).ToList();
                return (p.Variant, Test: Statistics.PairedTTest(pairs.Select(x => x.Second).ToList(), pairs.Select(x => referenceBySeed[x.First]).ToList()));
            }).Where(v => v.Test.Pairs > 0).ToList();
            double[] holm = Statistics.Holm(byVariant.Select(v => v.Test.PValue).ToList());
            differences.AddRange(byVariant.Select((v, i) => new CurveDifference(v.Variant, size.Key, v.Test, holm[i])));
        }

        return differences;
    }

    /// <summary>
    /// Draws the curves: x the training-set size (log scale), y the metric times <paramref name="scale"/>, error bars
    /// ±1 sd; variants are nudged apart sideways, as in <see cref="PlotDifferences"/>, since eight methods' bars at one
    /// size would cover one another.
    /// </summary>
    /// <param name="points">The points, from <see cref="Collect(IEnumerable{string}, string)"/>.</param>
    /// <param name="path">The PNG.</param>
    /// <param name="yLabel">The y axis label.</param>
    /// <param name="title">The title.</param>
    /// <param name="gap">Draw the generalization gap (a rate) instead of the metric.</param>
    /// <param name="scale">What the values are multiplied by: 100 for a rate drawn in %, 1 for a metric in its own unit.</param>
    public static void Plot(IReadOnlyList<CurvePoint> points, string path, string yLabel, string title, bool gap = false, double scale = 100)
    {
        ArgumentNullException.ThrowIfNull(points);
        var plot = new ScottPlot.Plot();
        var variants = points.GroupBy(p => p.Variant).ToList();
        for (int index = 0; index < variants.Count; index++)
        {
            var variant = variants[index];
            // One palette colour per variant, set by hand: the error bars would otherwise take the next colour.
            var color = plot.Add.Palette.GetColor(index);
            var series = variant.Select(p => (p.Size, Values: gap ? p.Gaps : p.Values)).Where(p => p.Values.Count > 0).OrderBy(p => p.Size).ToList();
            if (series.Count == 0)
            {
                continue;
            }

            double[] xs = series.Select(p => Math.Log10(p.Size) + Nudge(index, variants.Count)).ToArray();
            double factor = gap ? 100 : scale;
            double[] ys = series.Select(p => Statistics.Mean(p.Values.ToArray()) * factor).ToArray();
            double[] errors = series.Select(p => p.Values.Count > 1 ? Statistics.StandardDeviation(p.Values.ToArray()) * factor : 0).ToArray();
            var line = plot.Add.Scatter(xs, ys, color);
            line.LegendText = variant.Key;
            var bars = plot.Add.ErrorBar(xs, ys, errors);
            bars.Color = color;
        }

        Save(plot, points.Select(p => p.Size), path, yLabel, title);
    }

    /// <summary>
    /// Draws each method's difference from <paramref name="baseline"/> (points; below zero: fewer errors) against the
    /// size, with its 95% confidence interval as error bars and the baseline as the zero line; methods are nudged apart
    /// sideways so their intervals do not hide one another. Filled markers: Holm-adjusted p &lt; 0.05.
    /// </summary>
    /// <param name="differences">The differences, from <see cref="Differences"/>.</param>
    /// <param name="path">The PNG.</param>
    /// <param name="baseline">The baseline's name (the zero line).</param>
    /// <param name="yLabel">The y axis label.</param>
    /// <param name="title">The title.</param>
    /// <param name="scale">What the differences are multiplied by: 100 for a rate (points), 1 for a metric in its own unit.</param>
    public static void PlotDifferences(IReadOnlyList<CurveDifference> differences, string path, string baseline, string yLabel, string title, double scale = 100)
    {
        ArgumentNullException.ThrowIfNull(differences);
        var plot = new ScottPlot.Plot();
        var zero = plot.Add.HorizontalLine(0, 1.5f, ScottPlot.Colors.Black);
        zero.LegendText = baseline;
        var variants = differences.Select(d => d.Variant).Distinct().ToList();
        // Each method keeps the colour it has in the curves' figure, where the baseline takes its place in name order.
        var colours = variants.Append(baseline).Distinct().OrderBy(v => v, StringComparer.Ordinal).ToList();
        for (int index = 0; index < variants.Count; index++)
        {
            var color = plot.Add.Palette.GetColor(colours.IndexOf(variants[index]));
            var series = differences.Where(d => d.Variant == variants[index]).OrderBy(d => d.Size).ToList();
            double[] xs = series.Select(d => Math.Log10(d.Size) + Nudge(index, variants.Count)).ToArray();
            double[] ys = series.Select(d => d.Test.MeanDifference * scale).ToArray();
            double[] errors = series.Select(d => double.IsNaN(d.Test.High) ? 0 : (d.Test.High - d.Test.Low) / 2 * scale).ToArray();
            var line = plot.Add.Scatter(xs, ys, color);
            line.LegendText = variants[index];
            line.MarkerShape = ScottPlot.MarkerShape.OpenCircle;
            var bars = plot.Add.ErrorBar(xs, ys, errors);
            bars.Color = color;
            var significant = series.Select((d, i) => (d, i)).Where(t => t.d.HolmP < 0.05).ToList();
            if (significant.Count > 0)
            {
                var filled = plot.Add.Markers(significant.Select(t => xs[t.i]).ToArray(), significant.Select(t => ys[t.i]).ToArray(), ScottPlot.MarkerShape.FilledCircle, 9, color);
                filled.LegendText = string.Empty;
            }
        }

        Save(plot, differences.Select(d => d.Size), path, yLabel, title);
    }

    /// <summary>
    /// What <paramref name="metric"/> is called on a figure: the quantity in words ("test error"), and for a test metric
    /// which weights the test set saw ("best-validation weights", "last weights"); any other metric by its name with spaces.
    /// </summary>
    public static (string Quantity, string? Weights) Label(string metric) => metric switch
    {
        "best_val_test_error" => ("test error", "best-validation weights"),
        "best_val_test_nll" => ("test NLL", "best-validation weights"),
        "best_val_test_ece" => ("test ECE", "best-validation weights"),
        "test_error" => ("test error", "last weights"),
        "test_nll" => ("test NLL", "last weights"),
        "test_ece" => ("test ECE", "last weights"),
        "best_val_error" => ("best validation error", null),
        "train_error" => ("training error", "last weights"),
        _ => ((metric ?? throw new ArgumentNullException(nameof(metric))).Replace('_', ' '), null),
    };

    /// <summary>What <paramref name="metric"/>'s values are multiplied by for display: 100 for a rate (shown in %, compared in points), 1 otherwise.</summary>
    public static double Scale(string metric) => Comparison.IsRate(metric) ? 100 : 1;

    /// <summary>The sideways offset (in log10 units, about 3% of a size per step) of the <paramref name="index"/>-th of <paramref name="count"/> variants, centred on the size.</summary>
    private static double Nudge(int index, int count) => (index - ((count - 1) / 2.0)) * 0.012;

    /// <summary>The shared frame: a log-scale x axis labelled with the sizes, the labels, the legend, the PNG.</summary>
    private static void Save(ScottPlot.Plot plot, IEnumerable<long> sizes, string path, string yLabel, string title)
    {
        // A log scale by hand: positions are log10(size), labelled with the sizes.
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (long size in sizes.Distinct().OrderBy(s => s))
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

    /// <summary>
    /// The table: one row per variant, one column per size, mean ± sd (n), in % for a rate (<see cref="Comparison.IsRate"/>)
    /// and in the metric's own unit otherwise; the gap beneath when measured; and, with <paramref name="differences"/>, each
    /// method minus the baseline (in points for a rate) with its 95% interval and Holm p.
    /// </summary>
    public static string Markdown(IReadOnlyList<CurvePoint> points, string metric, IReadOnlyList<CurveDifference>? differences = null, string? baseline = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        var c = CultureInfo.InvariantCulture;
        long[] sizes = points.Select(p => p.Size).Distinct().OrderBy(s => s).ToArray();
        var sb = new StringBuilder();
        bool rate = Comparison.IsRate(metric);
        double scale = Scale(metric);
        // Rates in % to 2 decimals; NLL-sized values to 3; seconds, epochs and images/s whole.
        string format = rate ? "F2" : points.SelectMany(p => p.Values).All(v => Math.Abs(v) < 100) ? "F3" : "F0";
        sb.Append(c, $"| {metric}{(rate ? " (%)" : string.Empty)} |").AppendJoin(string.Empty, sizes.Select(s => string.Create(c, $" {s:N0} |"))).AppendLine();
        sb.Append("|---|").AppendJoin(string.Empty, sizes.Select(_ => "---|")).AppendLine();
        string Cell(IReadOnlyList<double> v, double factor, string digits) => v.Count == 0 ? "–"
            : v.Count == 1 ? (v[0] * factor).ToString(digits, c) + " (1)"
            : string.Create(c, $"{(Statistics.Mean(v.ToArray()) * factor).ToString(digits, c)} ± {(Statistics.StandardDeviation(v.ToArray()) * factor).ToString(digits, c)} ({v.Count})");
        foreach (var variant in points.GroupBy(p => p.Variant))
        {
            sb.Append(c, $"| {variant.Key} |").AppendJoin(string.Empty, sizes.Select(s => " " + Cell(variant.FirstOrDefault(p => p.Size == s)?.Values ?? Array.Empty<double>(), scale, format) + " |")).AppendLine();
        }

        if (points.Any(p => p.Gaps.Count > 0))
        {
            sb.AppendLine().Append("| gap: test − train error (%) |").AppendJoin(string.Empty, sizes.Select(s => string.Create(c, $" {s:N0} |"))).AppendLine();
            sb.Append("|---|").AppendJoin(string.Empty, sizes.Select(_ => "---|")).AppendLine();
            foreach (var variant in points.GroupBy(p => p.Variant))
            {
                sb.Append(c, $"| {variant.Key} |").AppendJoin(string.Empty, sizes.Select(s => " " + Cell(variant.FirstOrDefault(p => p.Size == s)?.Gaps ?? Array.Empty<double>(), 100, "F2") + " |")).AppendLine();
            }
        }

        if (differences is { Count: > 0 })
        {
            string signed = format switch { "F2" => "+0.00;−0.00;0.00", "F3" => "+0.000;−0.000;0.000", _ => "+0;−0;0" };
            string DifferenceCell(CurveDifference? d) => d is null ? "–"
                : double.IsNaN(d.Test.PValue) ? string.Create(c, $"{(d.Test.MeanDifference * scale).ToString(signed, c)} ({d.Test.Pairs})")
                : string.Create(c, $"{(d.Test.MeanDifference * scale).ToString(signed, c)} [{(d.Test.Low * scale).ToString(signed, c)}, {(d.Test.High * scale).ToString(signed, c)}], Holm p {d.HolmP:0.000} ({d.Test.Pairs})");
            sb.AppendLine().Append(c, $"| {metric} − {baseline} ({(rate ? "points; " : string.Empty)}95% CI, Holm p across the methods at a size, pairs) |").AppendJoin(string.Empty, sizes.Select(s => string.Create(c, $" {s:N0} |"))).AppendLine();
            sb.Append("|---|").AppendJoin(string.Empty, sizes.Select(_ => "---|")).AppendLine();
            foreach (var variant in differences.GroupBy(d => d.Variant))
            {
                sb.Append(c, $"| {variant.Key} |").AppendJoin(string.Empty, sizes.Select(s => " " + DifferenceCell(variant.FirstOrDefault(d => d.Size == s)) + " |")).AppendLine();
            }
        }

        return sb.ToString();
    }
}
