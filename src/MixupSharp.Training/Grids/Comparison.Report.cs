using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Options;
using MixupSharp.Training.Reports;
using MixupSharp.Training.Runs;

namespace MixupSharp.Training.Grids;

/// <summary>The grid's report: per-variant statistics, paired tests against the baseline, each group's selection, and the report files; every run read once per report.</summary>
public sealed partial class Comparison
{
    /// <summary>Per-variant statistics over the completed runs (variants in the order they first appear in the grid).</summary>
    public IReadOnlyList<VariantSummary> Summarize()
    {
        // One read per run, grouped once by variant: linear in the number of runs, however many variants there are.
        var byVariant = Reads().GroupBy(p => p.Run.Variant).ToDictionary(g => g.Key, g => g.ToList());
        Dictionary<string, double[]> ValuesOf(string variant) =>
            MetricNames.ToDictionary(m => m, m => byVariant[variant].Where(p => p.Values is not null && p.Values.TryGetValue(m, out var v) && double.IsFinite(v)).Select(p => p.Values![m]).ToArray());

        var baseline = byVariant.ContainsKey(Baseline) ? ValuesOf(Baseline) : null;
        var summaries = new List<VariantSummary>();
        foreach (var (variant, runs) in byVariant)
        {
            var values = ValuesOf(variant);
            var metrics = MetricNames.Select(m =>
            {
                var v = values[m];
                double p = baseline is null || variant == Baseline ? double.NaN : Statistics.WelchTTest(v, baseline[m]).PValue;
                return new MetricSummary(m, v.Length, Statistics.Mean(v), Statistics.StandardDeviation(v), p, v);
            }).ToList();
            int completed = runs.Count(p => p.Values is not null);
            summaries.Add(new VariantSummary(variant, runs[0].Run.Options.Method.Name, runs.Count, completed, metrics));
        }

        return summaries;
    }

    /// <summary>How many summary.json files this comparison has read (each run once per report).</summary>
    internal int SummaryReads => _summaryReads;

    /// <summary>Every run with its metrics (null: not completed): read once per report, or now outside one.</summary>
    private IReadOnlyList<(ComparisonRun Run, Dictionary<string, double>? Values)> Reads() =>
        _reportReads ?? _runs.Select(r => (r, CountedRead(r))).ToList();

    private Dictionary<string, double>? CountedRead(ComparisonRun run)
    {
        Interlocked.Increment(ref _summaryReads);
        return ReadRun(run);
    }

    /// <summary>
    /// Writes results.md, results.csv (one row per variant and metric), runs.csv (one row per run) and the overlay
    /// plots test-error.png, train-loss.png, reliability.png (and memorized.png with noisy labels) into the grid's folder.
    /// </summary>
    /// <returns>The Markdown table and the names of the files written.</returns>
    public (string Markdown, IReadOnlyList<string> Files) WriteReport()
    {
        _reportReads = _runs.Select(r => (r, CountedRead(r))).ToList();
        try
        {
            return WriteReportFiles();
        }
        finally
        {
            _reportReads = null;
        }
    }

    private (string Markdown, IReadOnlyList<string> Files) WriteReportFiles()
    {
        Folders.Create("the grid folder", _outDir);
        var summaries = Summarize();
        var selections = Select(summaries);
        string markdown = ComparisonTables.Markdown(summaries, _runs, Baseline) + ComparisonTables.SelectionMarkdown(selections)
            + (_runs.Any(r => r.Variant == Baseline) ? ComparisonTables.PairedMarkdown(this) : string.Empty);
        AtomicFile.WriteAllText(Path.Combine(_outDir, "results.md"), markdown);
        AtomicFile.WriteAllText(Path.Combine(_outDir, "results.csv"), ComparisonTables.Csv(summaries));
        AtomicFile.WriteAllText(Path.Combine(_outDir, "runs.csv"), ComparisonTables.RunsCsv(_runs, _outDir));
        var written = new List<string> { "results.md", "results.csv", "runs.csv" };
        if (SelectBy is not null)
        {
            AtomicFile.WriteAllText(Path.Combine(_outDir, "selection.csv"), ComparisonTables.SelectionCsv(selections));
            written.Add("selection.csv");
        }

        var plots = ComparisonPlots.Write(_outDir, _runs.GroupBy(r => r.Variant).Select(g => (g.Key, (IReadOnlyList<string>)g.Select(r => r.Options.OutDir).ToList())).ToList());
        return (markdown, written.Concat(plots).ToList());
    }

    /// <summary>
    /// Each variant against the baseline on <paramref name="metric"/>, paired by seed (runs with one seed share their
    /// training subset), with Holm's adjustment across the grid's variants: (variant, test, Holm-adjusted p).
    /// </summary>
    public IReadOnlyList<(string Variant, PairedResult Test, double Holm)> Paired(string metric) => Paired(metric, Baseline);

    /// <summary>
    /// Each variant against <paramref name="baseline"/> (<see cref="Baseline"/> or one of <see cref="AlsoAgainst"/>) on
    /// <paramref name="metric"/>, paired by seed, with Holm's adjustment across the family: against <see cref="Baseline"/>
    /// every other variant; against a further one, the variants that are no baseline (ERM against CutMix is the first
    /// family's test turned round, not a new question).
    /// </summary>
    public IReadOnlyList<(string Variant, PairedResult Test, double Holm)> Paired(string metric, string baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        if (baseline != Baseline && !AlsoAgainst.Contains(baseline))
        {
            throw new ArgumentException($"'{baseline}' is neither the baseline ('{Baseline}') nor one of the variants also paired against ({string.Join(", ", AlsoAgainst)}).", nameof(baseline));
        }

        bool InFamily(string variant) => variant != baseline && (baseline == Baseline || (variant != Baseline && !AlsoAgainst.Contains(variant)));
        var reads = Reads();
        var values = reads.Where(x => x.Values is not null && x.Values.TryGetValue(metric, out double v) && double.IsFinite(v))
            .ToDictionary(x => (x.Run.Variant, x.Run.Options.Seed), x => x.Values![metric]);
        var seedsOf = _runs.GroupBy(r => r.Variant).ToDictionary(g => g.Key, g => g.Select(r => r.Options.Seed).ToList());
        var tests = seedsOf.Keys.Where(InFamily).Select(v =>
        {
            var seeds = seedsOf[v].Where(s => values.ContainsKey((v, s)) && values.ContainsKey((baseline, s))).ToList();
            return (Variant: v, Test: Statistics.PairedTTest(seeds.Select(s => values[(v, s)]).ToList(), seeds.Select(s => values[(baseline, s)]).ToList()));
        }).ToList();
        var holm = Statistics.Holm(tests.Select(t => t.Test.PValue).ToList());
        return tests.Select((t, i) => (t.Variant, t.Test, holm[i])).ToList();
    }

    /// <summary>
    /// Each group's pick (<see cref="SelectBy"/>): the variant with the lowest mean over its completed runs, ties to the
    /// first in the grid; none without <see cref="SelectBy"/>. Groups whose variants have no completed run are left out.
    /// </summary>
    public IReadOnlyList<GroupSelection> Select(IReadOnlyList<VariantSummary> summaries)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        if (SelectBy is null)
        {
            return Array.Empty<GroupSelection>();
        }

        var selections = new List<GroupSelection>();
        var byName = summaries.ToDictionary(s => s.Variant);
        foreach (var group in _runs.Where(r => r.Group is not null).GroupBy(r => r.Group!))
        {
            var candidates = group.Select(r => r.Variant).Distinct()
                .Select(v => (Variant: v, Metric: byName[v][SelectBy]!))
                .Select(c => (c.Variant, Runs: c.Metric.Count, c.Metric.Mean))
                .ToList();
            var measured = candidates.Where(c => c.Runs > 0).ToList();
            if (measured.Count > 0)
            {
                selections.Add(new GroupSelection(group.Key, SelectBy, measured.OrderBy(c => c.Mean).First().Variant, candidates));
            }
        }

        return selections;
    }
}
