using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using MixupSharp.Training.Reports;

namespace MixupSharp.Training.Grids;

/// <summary>The grid's report files: results.md, results.csv, runs.csv and selection.csv (one owner for their formats).</summary>
public static class ComparisonTables
{
    /// <summary>A CSV field per RFC 4180: quoted when it holds a comma, a quote or a line break (quotes doubled).</summary>
    public static string CsvField(string value) =>
        value.IndexOfAny(new[] { ',', '"', '\n', '\r' }) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The Markdown table: mean ± sd per metric, and Welch p-values against the baseline.</summary>
    public static string Markdown(IReadOnlyList<VariantSummary> summaries, IReadOnlyList<ComparisonRun> runs, string baseline)
    {
        var c = CultureInfo.InvariantCulture;
        bool noisy = summaries.Any(s => s["memorized_fraction"]!.Count > 0);
        bool validated = summaries.Any(s => s["val_error"]!.Count > 0);
        string Cell(VariantSummary s, string metric, double scale, string format)
        {
            var m = s[metric]!;
            if (m.Count == 0)
            {
                return "–";
            }

            string mean = (m.Mean * scale).ToString(format, c);
            return m.Count < 2 ? mean : $"{mean} ± {(m.StandardDeviation * scale).ToString(format, c)}";
        }

        string P(VariantSummary s, string metric)
        {
            double p = s[metric]!.PValue;
            return double.IsNaN(p) ? "–" : p < 0.001 ? "<0.001" : p.ToString("F3", c);
        }

        var sb = new StringBuilder();
        sb.Append("| variant | method | runs | test error % | p | NLL | p | ECE % | p | best error % | best epoch |");
        sb.Append(noisy ? " memorized % | p |" : string.Empty).Append(validated ? " val error % | best-val test error % | p |" : string.Empty).AppendLine(" train s | img/s |");
        sb.Append("|---|---|---|---|---|---|---|---|---|---|---|").Append(noisy ? "---|---|" : string.Empty).Append(validated ? "---|---|---|" : string.Empty).AppendLine("---|---|");
        foreach (var s in summaries)
        {
            sb.Append(c, $"| {MarkdownText(s.Variant)} | {s.Method} | {s.Completed}/{s.Runs} | {Cell(s, "test_error", 100, "F2")} | {P(s, "test_error")} | {Cell(s, "test_nll", 1, "F4")} | {P(s, "test_nll")} | ");
            sb.Append(c, $"{Cell(s, "test_ece", 100, "F2")} | {P(s, "test_ece")} | {Cell(s, "best_test_error", 100, "F2")} | {Cell(s, "best_epoch", 1, "F1")} |");
            if (noisy)
            {
                sb.Append(c, $" {Cell(s, "memorized_fraction", 100, "F1")} | {P(s, "memorized_fraction")} |");
            }

            if (validated)
            {
                sb.Append(c, $" {Cell(s, "val_error", 100, "F2")} | {Cell(s, "best_val_test_error", 100, "F2")} | {P(s, "best_val_test_error")} |");
            }

            sb.AppendLine(c, $" {Cell(s, "train_seconds", 1, "F0")} | {Cell(s, "images_per_second", 1, "F0")} |");
        }

        sb.AppendLine();
        sb.AppendLine(runs.Any(r => r.Variant == baseline)
            ? string.Create(c, $"Mean ± sample standard deviation over the completed seeds; p: two-sided Welch t-test against '{baseline}' (– where either side has fewer than 2 runs).")
            : string.Create(c, $"Mean ± sample standard deviation over the completed seeds; no p-values: no variant is named '{baseline}' (the baseline)."));
        return sb.ToString();
    }

    /// <summary>The results.md lines saying which variant each group chose, with the sweep's values; empty without a selection.</summary>
    public static string SelectionMarkdown(IReadOnlyList<GroupSelection> selections)
    {
        if (selections.Count == 0)
        {
            return string.Empty;
        }

        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder().AppendLine().AppendLine($"Selected on the validation set ({selections[0].Metric}, mean over completed runs; lowest wins):").AppendLine();
        foreach (var s in selections)
        {
            string sweep = string.Join(", ", s.Candidates.Select(k => k.Runs == 0 ? $"{k.Variant} –" : string.Create(c, $"{k.Variant} {k.Mean:G4} ({k.Runs} run{(k.Runs == 1 ? "" : "s")})")));
            sb.AppendLine(c, $"- **{MarkdownText(s.Group)}**: {MarkdownText(s.Chosen)} (of {MarkdownText(sweep)})");
        }

        return sb.ToString();
    }

    /// <summary>
    /// The paired comparisons against the baseline (and then each of <see cref="Comparison.AlsoAgainst"/>), by seed: the mean difference in percentage points with its 95%
    /// confidence interval, p, and p after Holm's adjustment across the variants; for the last epoch's test error and,
    /// with a validation set, for the best-validation weights' test error.
    /// </summary>
    public static string PairedMarkdown(Comparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var baselines = new[] { comparison.Baseline }.Concat(comparison.AlsoAgainst);
        foreach (var ((metric, label), baseline) in new[] { ("test_error", "test error"), ("best_val_test_error", "test error of the best-validation weights") }.SelectMany(m => baselines.Select(b => (m, b))))
        {
            var rows = comparison.Paired(metric, baseline);
            if (rows.All(r => r.Test.Pairs == 0))
            {
                continue;
            }

            string family = baseline == comparison.Baseline ? $"the {rows.Count} variants" : (rows.Count == 1 ? "the 1 variant that is no baseline" : $"the {rows.Count} variants that are no baseline");
            sb.AppendLine().AppendLine(c, $"Paired by seed against '{MarkdownText(baseline)}', {label} (percentage points; negative: lower error than the baseline; Holm across {family}; –: no test, from fewer than 2 pairs or identical differences, still counted in Holm's family):").AppendLine();
            sb.AppendLine("| variant | pairs | difference | 95% CI | p | Holm p |").AppendLine("|---|---|---|---|---|---|");
            foreach (var (variant, t, holm) in rows)
            {
                string P(double p) => double.IsNaN(p) ? "–" : p < 0.001 ? "<0.001" : p.ToString("F3", c);
                string ci = double.IsNaN(t.Low) ? "–" : string.Create(c, $"[{t.Low * 100:+0.00;-0.00}, {t.High * 100:+0.00;-0.00}]");
                string diff = double.IsNaN(t.MeanDifference) ? "–" : (t.MeanDifference * 100).ToString("+0.00;-0.00", c);
                sb.AppendLine(c, $"| {MarkdownText(variant)} | {t.Pairs} | {diff} | {ci} | {P(t.PValue)} | {P(holm)} |");
            }
        }

        return sb.ToString();
    }

    /// <summary>selection.csv: one row per group and variant, with its mean and whether it was chosen.</summary>
    public static string SelectionCsv(IReadOnlyList<GroupSelection> selections)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder("group,metric,variant,runs,mean,chosen\n");
        foreach (var s in selections)
        {
            foreach (var k in s.Candidates)
            {
                sb.AppendLine(c, $"{CsvField(s.Group)},{s.Metric},{CsvField(k.Variant)},{k.Runs},{Format(k.Mean)},{k.Variant == s.Chosen}");
            }
        }

        return sb.ToString();
    }

    /// <summary>results.csv: one row per variant and metric (n, mean, sd, p against the baseline, the values).</summary>
    public static string Csv(IReadOnlyList<VariantSummary> summaries)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder("variant,method,metric,n,mean,sd,p_vs_baseline,values\n");
        foreach (var s in summaries)
        {
            foreach (var m in s.Metrics.Where(m => m.Count > 0))
            {
                sb.AppendLine(c, $"{CsvField(s.Variant)},{s.Method},{m.Metric},{m.Count},{m.Mean.ToString("R", c)},{Format(m.StandardDeviation)},{Format(m.PValue)},{string.Join(' ', m.Values.Select(v => v.ToString("R", c)))}");
            }
        }

        return sb.ToString();
    }

    /// <summary>runs.csv: one row per run, its metrics when it completed, and its folder relative to the grid's.</summary>
    public static string RunsCsv(IReadOnlyList<ComparisonRun> runs, string outDir)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder("variant,seed,completed,").Append(string.Join(',', Comparison.MetricNames)).AppendLine(",folder");
        foreach (var run in runs)
        {
            var values = Comparison.ReadRun(run);
            sb.Append(c, $"{CsvField(run.Variant)},{run.Options.Seed},{values is not null},");
            sb.Append(string.Join(',', Comparison.MetricNames.Select(m => values is not null && values.TryGetValue(m, out var v) ? Format(v) : string.Empty)));
            sb.AppendLine(c, $",{CsvField(Path.GetRelativePath(outDir, run.Options.OutDir))}");
        }

        return sb.ToString();
    }

    internal static string Format(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>A name as a Markdown table cell: '|' escaped and line breaks as spaces, so a variant's name cannot break the table.</summary>
    internal static string MarkdownText(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ');

    /// <summary>The report files of a grid's folder (besides the plots, <see cref="Reports.ComparisonPlots.FileNames"/>): no variant may be named like one.</summary>
    public static readonly string[] FileNames = { "results.md", "results.csv", "runs.csv", "selection.csv" };
}
