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

/// <summary>One run of a comparison grid: a named variant's options with one seed (its OutDir is the run folder).</summary>
public sealed record ComparisonRun(string Variant, TrainingOptions Options);

/// <summary>What <see cref="Comparison.RunAll"/> did with one run.</summary>
public enum ComparisonRunAction
{
    /// <summary>The run had completed all its epochs with this configuration: nothing to do.</summary>
    Skipped,

    /// <summary>The run had a checkpoint and continued from it.</summary>
    Resumed,

    /// <summary>The run started from scratch.</summary>
    Started,
}

/// <summary>One metric of one variant across its seeds, and its Welch test against the baseline variant.</summary>
public sealed record MetricSummary(string Metric, int Count, double Mean, double StandardDeviation, double PValue, double[] Values);

/// <summary>One variant's metrics across its completed seeds.</summary>
public sealed record VariantSummary(string Variant, string Method, int Runs, int Completed, IReadOnlyList<MetricSummary> Metrics)
{
    /// <summary>The summary of a metric by name, or null.</summary>
    public MetricSummary? this[string metric] => Metrics.FirstOrDefault(m => m.Metric == metric);
}

/// <summary>
/// A grid of named variants × seeds, each a training run in <c>OUT/variant/s{seed}</c>. <see cref="RunAll"/> is resumable:
/// completed runs are skipped and unfinished ones resume from their checkpoint, so a grid can be completed across sittings.
/// <see cref="Summarize"/> and <see cref="WriteReport"/> give mean ± standard deviation per metric, Welch p-values against
/// the baseline variant, Markdown and CSV tables, and overlay plots.
/// </summary>
public sealed class Comparison
{
    /// <summary>The metrics compared, as named in summary.json (memorized_fraction comes from the last metrics.csv row).</summary>
    public static readonly string[] MetricNames =
    {
        "test_error", "test_nll", "test_ece", "best_test_error", "best_epoch", "memorized_fraction", "train_seconds", "images_per_second",
    };

    private readonly string _outDir;
    private readonly IReadOnlyList<ComparisonRun> _runs;

    /// <summary>Creates the grid; every run's <c>OutDir</c> must be its own folder.</summary>
    /// <param name="outDir">The grid's folder (reports are written there).</param>
    /// <param name="runs">The runs, in the order they are trained.</param>
    /// <param name="baseline">The variant the others are tested against (default: the one named like ERM); it need not be in the grid.</param>
    public Comparison(string outDir, IReadOnlyList<ComparisonRun> runs, string? baseline = null)
    {
        _outDir = outDir ?? throw new ArgumentNullException(nameof(outDir));
        _runs = runs ?? throw new ArgumentNullException(nameof(runs));
        Baseline = baseline ?? KnownMethods.Erm.Name;
        if (runs.Count == 0)
        {
            throw new ArgumentException("a comparison needs at least one run.", nameof(runs));
        }

        var duplicate = runs.GroupBy(r => Path.GetFullPath(r.Options.OutDir)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"two runs share the folder {duplicate.Key}; give each variant a unique name and each seed once.", nameof(runs));
        }
    }

    /// <summary>The baseline variant's name.</summary>
    public string Baseline { get; }

    /// <summary>The runs of the grid.</summary>
    public IReadOnlyList<ComparisonRun> Runs => _runs;

    /// <summary>The folder of a variant's run with a seed: <c>outDir/variant/s{seed}</c>.</summary>
    public static string RunDirectory(string outDir, string variant, long seed) => Path.Combine(outDir, variant, string.Create(CultureInfo.InvariantCulture, $"s{seed}"));

    /// <summary>
    /// The runs of named variants in seed-major order: every variant's first seed before any variant's second seed, so a
    /// grid cut short still compares all variants. Each run's folder is <see cref="RunDirectory"/>.
    /// </summary>
    public static IReadOnlyList<ComparisonRun> SeedMajor(string outDir, IReadOnlyList<(string Variant, TrainingOptions Options, IReadOnlyList<long> Seeds)> variants)
    {
        ArgumentNullException.ThrowIfNull(variants);
        var runs = new List<ComparisonRun>();
        foreach (long seed in variants.SelectMany(v => v.Seeds).Distinct())
        {
            foreach (var v in variants.Where(v => v.Seeds.Contains(seed)))
            {
                var withSeed = v.Options with { Seed = seed, OutDir = RunDirectory(outDir, v.Variant, seed) };
                withSeed.Validate();
                runs.Add(new ComparisonRun(v.Variant, withSeed));
            }
        }

        return runs;
    }

    /// <summary>What <see cref="RunAll"/> would do with a run now.</summary>
    public static ComparisonRunAction Plan(ComparisonRun run)
    {
        var o = run.Options;
        var folder = new RunFolder(o.OutDir);
        if (folder.ReadSummary() is { } summary)
        {
            string expected = ConfigFingerprint.Of(o);
            if (summary.ConfigHash != expected)
            {
                throw new ArgumentException($"{o.OutDir} holds a run of another configuration ({summary.ConfigHash}, this grid's is {expected}): the variant '{run.Variant}' changed since it ran. Rename the variant or delete the folder.");
            }

            if (summary.Epochs > o.Epochs)
            {
                throw new ArgumentException($"{o.OutDir} already ran {summary.Epochs} epochs; the grid asks for {o.Epochs}. Use --epochs {summary.Epochs} or more, or another --out.");
            }

            if (summary.Completed && summary.Epochs == o.Epochs)
            {
                return ComparisonRunAction.Skipped;
            }
        }

        return folder.HasCheckpoint ? ComparisonRunAction.Resumed : ComparisonRunAction.Started;
    }

    /// <summary>
    /// Trains every run that has not completed; returns <see cref="RunOutcome.Interrupted"/> as soon as one is stopped
    /// (its checkpoint holds the position; calling again continues there).
    /// </summary>
    /// <param name="observerFor">The observer of each run's training.</param>
    /// <param name="log">Receives one line per run: what is done with it.</param>
    /// <param name="stop">Stops the current run after its current step.</param>
    /// <param name="sharing">This process's shard and how run folders are locked (null: the whole grid, one process).</param>
    public RunOutcome RunAll(Func<ComparisonRun, ITrainingObserver> observerFor, Action<string> log, CancellationToken stop = default, GridSharing? sharing = null)
    {
        ArgumentNullException.ThrowIfNull(observerFor);
        ArgumentNullException.ThrowIfNull(log);
        sharing ??= GridSharing.Alone;
        var mine = sharing.Shard.Select(_runs);
        if (sharing.Shard.Count > 1)
        {
            log(string.Create(CultureInfo.InvariantCulture, $"shard {sharing.Shard.Index}/{sharing.Shard.Count}: {mine.Count} of the grid's {_runs.Count} runs"));
        }

        for (int i = 0; i < mine.Count; i++)
        {
            var run = mine[i];
            var action = Plan(run);
            log(string.Create(CultureInfo.InvariantCulture, $"[{i + 1}/{mine.Count}] {run.Variant} seed {run.Options.Seed}: {action switch { ComparisonRunAction.Skipped => "completed, skipped", ComparisonRunAction.Resumed => "resuming from its checkpoint", _ => "starting" }} ({run.Options.OutDir})"));
            if (action == ComparisonRunAction.Skipped)
            {
                continue;
            }

            if (stop.IsCancellationRequested)
            {
                return RunOutcome.Interrupted;
            }

            // A started run's folder is the grid's own (OUT/variant/sSEED): what a run that died before its first checkpoint
            // left there is replaced.
            using var claim = RunLock.Claim(run.Options.OutDir, sharing.LockTimeout, sharing.StealStaleLocks, log);
            action = Plan(run);   // another process may have finished it between the plan and the claim
            if (action == ComparisonRunAction.Skipped)
            {
                continue;
            }

            var outcome = new Trainer(run.Options, observerFor(run)).Run(action == ComparisonRunAction.Resumed, stop, overwrite: action == ComparisonRunAction.Started);
            if (outcome == RunOutcome.Interrupted)
            {
                return RunOutcome.Interrupted;
            }
        }

        return RunOutcome.Completed;
    }

    /// <summary>The runs not completed, each as (run, whether a live process holds its lock now).</summary>
    public IReadOnlyList<(ComparisonRun Run, bool Running)> Unfinished(TimeSpan lockTimeout) =>
        _runs.Where(r => ReadRun(r) is null).Select(r => (r, RunLock.IsHeld(r.Options.OutDir, lockTimeout))).ToList();

    /// <summary>Per-variant statistics over the completed runs (variants in the order they first appear in the grid).</summary>
    public IReadOnlyList<VariantSummary> Summarize()
    {
        var perRun = _runs.Select(r => (Run: r, Values: ReadRun(r))).ToList();
        Dictionary<string, double[]> ValuesOf(string variant) =>
            MetricNames.ToDictionary(m => m, m => perRun.Where(p => p.Run.Variant == variant && p.Values is not null && p.Values.TryGetValue(m, out var v) && double.IsFinite(v)).Select(p => p.Values![m]).ToArray());

        var baseline = perRun.Any(p => p.Run.Variant == Baseline) ? ValuesOf(Baseline) : null;
        var summaries = new List<VariantSummary>();
        foreach (var group in _runs.GroupBy(r => r.Variant))
        {
            var values = ValuesOf(group.Key);
            var metrics = MetricNames.Select(m =>
            {
                var v = values[m];
                double p = baseline is null || group.Key == Baseline ? double.NaN : Statistics.WelchTTest(v, baseline[m]).PValue;
                return new MetricSummary(m, v.Length, Statistics.Mean(v), Statistics.StandardDeviation(v), p, v);
            }).ToList();
            int completed = perRun.Count(p => p.Run.Variant == group.Key && p.Values is not null);
            summaries.Add(new VariantSummary(group.Key, group.First().Options.Method.Name, group.Count(), completed, metrics));
        }

        return summaries;
    }

    /// <summary>
    /// Writes results.md, results.csv (one row per variant and metric), runs.csv (one row per run) and the overlay
    /// plots test-error.png, train-loss.png, reliability.png (and memorized.png with noisy labels) into the grid's folder.
    /// </summary>
    /// <returns>The Markdown table and the names of the files written.</returns>
    public (string Markdown, IReadOnlyList<string> Files) WriteReport()
    {
        Directory.CreateDirectory(_outDir);
        var summaries = Summarize();
        string markdown = Markdown(summaries);
        File.WriteAllText(Path.Combine(_outDir, "results.md"), markdown);
        File.WriteAllText(Path.Combine(_outDir, "results.csv"), Csv(summaries));
        File.WriteAllText(Path.Combine(_outDir, "runs.csv"), RunsCsv());
        var plots = ComparisonPlots.Write(_outDir, _runs.GroupBy(r => r.Variant).Select(g => (g.Key, (IReadOnlyList<string>)g.Select(r => r.Options.OutDir).ToList())).ToList());
        return (markdown, new[] { "results.md", "results.csv", "runs.csv" }.Concat(plots).ToList());
    }

    /// <summary>A CSV field per RFC 4180: quoted when it holds a comma, a quote or a line break (quotes doubled).</summary>
    public static string CsvField(string value) =>
        value.IndexOfAny(new[] { ',', '"', '\n', '\r' }) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The Markdown table: mean ± sd per metric, and Welch p-values against the baseline.</summary>
    public string Markdown(IReadOnlyList<VariantSummary> summaries)
    {
        var c = CultureInfo.InvariantCulture;
        bool noisy = summaries.Any(s => s["memorized_fraction"]!.Count > 0);
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
        sb.Append(noisy ? " memorized % | p |" : string.Empty).AppendLine(" train s | img/s |");
        sb.Append("|---|---|---|---|---|---|---|---|---|---|---|").Append(noisy ? "---|---|" : string.Empty).AppendLine("---|---|");
        foreach (var s in summaries)
        {
            sb.Append(c, $"| {s.Variant} | {s.Method} | {s.Completed}/{s.Runs} | {Cell(s, "test_error", 100, "F2")} | {P(s, "test_error")} | {Cell(s, "test_nll", 1, "F4")} | {P(s, "test_nll")} | ");
            sb.Append(c, $"{Cell(s, "test_ece", 100, "F2")} | {P(s, "test_ece")} | {Cell(s, "best_test_error", 100, "F2")} | {Cell(s, "best_epoch", 1, "F1")} |");
            if (noisy)
            {
                sb.Append(c, $" {Cell(s, "memorized_fraction", 100, "F1")} | {P(s, "memorized_fraction")} |");
            }

            sb.AppendLine(c, $" {Cell(s, "train_seconds", 1, "F0")} | {Cell(s, "images_per_second", 1, "F0")} |");
        }

        sb.AppendLine();
        sb.AppendLine(_runs.Any(r => r.Variant == Baseline)
            ? string.Create(c, $"Mean ± sample standard deviation over the completed seeds; p: two-sided Welch t-test against '{Baseline}' (– where either side has fewer than 2 runs).")
            : string.Create(c, $"Mean ± sample standard deviation over the completed seeds; no p-values: no variant is named '{Baseline}' (the baseline)."));
        return sb.ToString();
    }

    private static string Csv(IReadOnlyList<VariantSummary> summaries)
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

    private string RunsCsv()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder("variant,seed,completed,").Append(string.Join(',', MetricNames)).AppendLine(",folder");
        foreach (var run in _runs)
        {
            var values = ReadRun(run);
            sb.Append(c, $"{CsvField(run.Variant)},{run.Options.Seed},{values is not null},");
            sb.Append(string.Join(',', MetricNames.Select(m => values is not null && values.TryGetValue(m, out var v) ? Format(v) : string.Empty)));
            sb.AppendLine(c, $",{CsvField(Path.GetRelativePath(_outDir, run.Options.OutDir))}");
        }

        return sb.ToString();
    }

    private static string Format(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>A completed run's metrics, or null when it has not completed its epochs.</summary>
    private static Dictionary<string, double>? ReadRun(ComparisonRun run)
    {
        var folder = new RunFolder(run.Options.OutDir);
        var summary = folder.ReadSummary();
        if (summary is null || !summary.Completed || summary.Epochs != run.Options.Epochs)
        {
            return null;
        }

        var values = new Dictionary<string, double>();
        void Add(string name, double? value)
        {
            if (value is { } v)
            {
                values[name] = v;
            }
        }

        Add("test_error", summary.TestError);
        Add("test_nll", summary.TestNll);
        Add("test_ece", summary.TestEce);
        Add("best_test_error", summary.BestTestError);
        Add("best_epoch", summary.BestEpoch);
        Add("train_seconds", summary.TrainSeconds);
        Add("images_per_second", summary.ImagesPerSecond);
        var last = folder.ReadMetrics().LastOrDefault();
        if (last is not null && last.TryGetValue("memorized_fraction", out double memorized) && double.IsFinite(memorized))
        {
            values["memorized_fraction"] = memorized;
        }

        return values;
    }
}
