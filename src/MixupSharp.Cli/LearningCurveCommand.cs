using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MixupSharp.Training.Grids;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Reports;

namespace MixupSharp.Cli;

/// <summary><c>mixup learning-curve</c>: a metric against the training-set size, from grids written by compare.</summary>
public static class LearningCurveCommand
{
    /// <summary>The verb's option table (for help and shell completion).</summary>
    public static OptionTable Table() => Table(new Settings());

    /// <summary>Runs the verb.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        var s = new Settings();
        if (Table(s).HelpOrParse(args, output))
        {
            return 0;
        }

        if (s.Grids.GroupBy(g => Path.GetFullPath(g).TrimEnd('/')).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new UsageException($"--grid {twice.First()} is given twice; give each grid once.");
        }

        if (s.Grids.Count == 0)
        {
            throw new UsageException("learning-curve needs --grid DIR (a folder written by ./mixup compare), once per grid.");
        }

        if (Array.IndexOf(Comparison.MetricNames, s.Metric) < 0)
        {
            throw new UsageException($"--metric must be one of {string.Join(", ", Comparison.MetricNames)}; got '{s.Metric}'.");
        }

        foreach (string grid in s.Grids.Where(g => !Directory.Exists(g)))
        {
            throw new UsageException($"--grid {grid}: no such folder.");
        }

        string png = s.Out ?? Path.Combine("runs", "learning-curve.png");
        if (!png.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--out names the PNG (its table goes beside it as .md); got '{png}'.");
        }

        if (!Directory.Exists(png))
        {
            Training.Runs.Folders.Create("the folder of --out", Path.GetDirectoryName(Path.GetFullPath(png))!);   // made, as before
        }

        OutputFile.Check("--out", png, overwrite: true);

        // Every metric the report shows, read in one pass over the runs.
        var collected = LearningCurve.Collect(s.Grids, StudyTable.Metrics(s.Metric));
        var points = collected[s.Metric];
        if (points.Count == 0)
        {
            throw new UsageException($"no completed run with {s.Metric} under {string.Join(", ", s.Grids)}.");
        }

        string gap = Path.Combine(Path.GetDirectoryName(png) ?? ".", Path.GetFileNameWithoutExtension(png) + "-gap.png");
        // Rates (errors, ECE) are drawn in % and compared in points; NLL, epochs and seconds keep their own unit.
        bool rate = Comparison.IsRate(s.Metric);
        double scale = LearningCurve.Scale(s.Metric);
        var (name, weights) = LearningCurve.Label(s.Metric);
        string of = weights is null ? string.Empty : weights + "; ";
        LearningCurve.Plot(points, png, rate ? $"{name} (%)" : name, $"{char.ToUpperInvariant(name[0])}{name[1..]} against training-set size\n({of}mean ± sd over seeds)", scale: scale);
        var written = new List<string> { png };
        if (points.Any(p => p.Gaps.Count > 0))
        {
            LearningCurve.Plot(points, gap, "test − train error (%)", "Generalization gap against training-set size (last epoch; mean ± sd over seeds)", gap: true);
            written.Add(gap);
        }

        // Each method against the baseline, paired by seed: what the study's question is about, drawn so a reader sees at
        // a glance which side of zero each method falls on. An explicit --baseline must exist; the default is used if present.
        if (s.Baseline is not null && points.All(p => p.Variant != s.Baseline))
        {
            throw new UsageException($"--baseline {s.Baseline}: no such variant in the grids (they have {string.Join(", ", points.Select(p => p.Variant).Distinct())}).");
        }

        string baseline = s.Baseline ?? KnownMethods.Erm.Name;   // the variant named like ERM, as compare's default
        var differences = LearningCurve.Differences(points, baseline);
        if (differences.Count > 0)
        {
            string vs = Path.Combine(Path.GetDirectoryName(png) ?? ".", Path.GetFileNameWithoutExtension(png) + $"-vs-{baseline}.png");
            string below = (rate ? "points; " : string.Empty) + "below 0: lower than " + baseline;
            LearningCurve.PlotDifferences(differences, vs, baseline, $"{name} − {baseline} ({below})", $"Each method against {baseline}, paired by seed\n({of}mean and 95% CI; filled: Holm p < 0.05)", scale);
            written.Add(vs);
        }

        string table = LearningCurve.Markdown(points, s.Metric, differences, baseline);
        // Then the study's table at each size, when the runs held out a validation set: the metric beside what it was chosen on.
        string perSize = StudyTable.Markdown(collected, s.Metric, differences, baseline);
        if (perSize.Length > 0)
        {
            table += Environment.NewLine + perSize;
        }

        string md = Path.ChangeExtension(png, ".md");
        File.WriteAllText(md, table);
        written.Add(md);
        output.Write(table);
        output.WriteLine($"written: {string.Join(", ", written)}");
        return 0;
    }

    private static OptionTable Table(Settings s) =>
        new OptionTable("learning-curve", "Plot a metric against the training-set size (log scale), one line per variant with ±1 sd error bars over seeds, from grids written by ./mixup compare (variants named alike across sizes); also the generalization gap (test - train error, with --train-error-every) and Markdown tables: the metric across sizes, and each size's methods with their validation error, training error, NLL and ECE.")
            .Add("--grid", "DIR", "a grid folder written by compare; give it once per grid (e.g. one per size)", v => s.Grids.Add(v))
            .Add("--metric", "NAME", "the metric (default best_val_test_error: the test error of the best-validation weights; test_error: the last weights')", v => s.Metric = v)
            .Add("--baseline", "NAME", "the variant each method is compared with, paired by seed (default erm); the comparison goes to FILE-vs-NAME.png and the table", v => s.Baseline = v)
            .Add("--out", "FILE", "the PNG (default runs/learning-curve.png; the gap goes to FILE-gap.png, the table to FILE.md)", v => s.Out = v);

    private sealed class Settings
    {
        public List<string> Grids { get; } = new();

        public string Metric { get; set; } = "best_val_test_error";

        public string? Out { get; set; }

        public string? Baseline { get; set; }
    }
}
