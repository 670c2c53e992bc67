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
/// <param name="Variant">The variant's name.</param>
/// <param name="Options">The run's options.</param>
/// <param name="Group">The sweep the variant belongs to (variants file "group"), among which <c>--select-by</c> picks one; null: none.</param>
public sealed record ComparisonRun(string Variant, TrainingOptions Options, string? Group = null);

/// <summary>A sweep's pick: the group, the variant with the lowest mean of the metric, and every variant's mean (the sweep's values).</summary>
public sealed record GroupSelection(string Group, string Metric, string Chosen, IReadOnlyList<(string Variant, int Runs, double Mean)> Candidates);

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
public sealed partial class Comparison
{
    /// <summary>The metrics compared, as named in summary.json (memorized_fraction comes from the last metrics.csv row).</summary>
    public static readonly string[] MetricNames =
    {
        "test_error", "test_nll", "test_ece", "best_test_error", "best_epoch", "memorized_fraction", "train_seconds", "images_per_second",
        "val_error", "val_nll", "val_ece", "best_val_error", "best_val_epoch", "best_val_test_error", "best_val_test_nll", "best_val_test_ece", "train_error",
    };

    /// <summary>
    /// Whether <paramref name="metric"/> is a rate (an error, an ECE, a memorized fraction), shown in % and compared in
    /// points; the others (NLL, epochs, seconds, images/s) keep their own unit.
    /// </summary>
    public static bool IsRate(string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return metric.EndsWith("_error", StringComparison.Ordinal) || metric.EndsWith("_ece", StringComparison.Ordinal) || metric == "memorized_fraction";
    }

    /// <summary>The metrics a sweep may be selected by: measured on the validation set only, never on the test set.</summary>
    public static readonly string[] SelectionMetrics = { "val_error", "val_nll", "val_ece", "best_val_error" };

    private readonly string _outDir;
    private readonly IReadOnlyList<ComparisonRun> _runs;
    private IReadOnlyList<(ComparisonRun Run, Dictionary<string, double>? Values)>? _reportReads;
    private int _summaryReads;
    private IReadOnlyList<string> _alsoAgainst = Array.Empty<string>();


    /// <summary>Creates the grid; every run's <c>OutDir</c> must be its own folder.</summary>
    /// <param name="outDir">The grid's folder (reports are written there).</param>
    /// <param name="runs">The runs, in the order they are trained.</param>
    /// <param name="baseline">The variant the others are tested against (default: the one named like ERM); it need not be in the grid.</param>
    /// <param name="selectBy">The validation metric that picks one variant per group (<see cref="SelectionMetrics"/>); null: none.</param>
    public Comparison(string outDir, IReadOnlyList<ComparisonRun> runs, string? baseline = null, string? selectBy = null)
    {
        if (selectBy is not null && Array.IndexOf(SelectionMetrics, selectBy) < 0)
        {
            throw new ArgumentException($"--select-by must be one of {string.Join(", ", SelectionMetrics)} (validation metrics: a sweep is never chosen on the test set); got '{selectBy}'.", nameof(selectBy));
        }

        SelectBy = selectBy;
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

    /// <summary>
    /// Variants the others are also paired against, after <see cref="Baseline"/>, each in a Holm family of its own over
    /// the variants that are no baseline (a new method against ERM and against CutMix); empty by default.
    /// </summary>
    /// <exception cref="ArgumentException">A name that is the baseline, repeats, or is no variant of the runs.</exception>
    public IReadOnlyList<string> AlsoAgainst
    {
        get => _alsoAgainst;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            var variants = _runs.Select(r => r.Variant).Distinct().ToList();
            foreach (string name in value)
            {
                // Checked here, not only by the CLI: a baseline that pairs against itself, or a name no run has, would
                // give an empty table that reads like "no test".
                if (name == Baseline || !variants.Contains(name) || value.Count(n => n == name) > 1)
                {
                    throw new ArgumentException($"each variant also paired against must be a variant of the grid other than the baseline '{Baseline}', named once ({string.Join(", ", variants)}); got '{name}'.", nameof(AlsoAgainst));
                }
            }

            _alsoAgainst = value.ToArray();
        }
    }

    /// <summary>The validation metric each group's variant is selected by; null: no selection.</summary>
    public string? SelectBy { get; }

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

            if (Finished(summary, o))
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
            void Log(string what) => log(string.Create(CultureInfo.InvariantCulture, $"[{i + 1}/{mine.Count}] {run.Variant} seed {run.Options.Seed}: {what} ({run.Options.OutDir})"));
            var action = Plan(run);
            if (action == ComparisonRunAction.Skipped)
            {
                Log("completed, skipped");
                continue;
            }

            if (stop.IsCancellationRequested)
            {
                return RunOutcome.Interrupted;
            }

            // A started run's folder is the grid's own (OUT/variant/sSEED): what a run that died before its first checkpoint
            // left there is replaced.
            using var claim = sharing.Claim(run.Options.OutDir, log);
            if (claim is null)
            {
                var holder = RunLock.Read(RunLock.PathOf(run.Options.OutDir));
                Log(holder is null ? "being trained by another process; left to it" : $"being trained by {holder.Host} pid {holder.Pid}; left to it");
                continue;
            }

            action = Plan(run);   // another process may have finished it between the plan and the claim
            Log(action switch { ComparisonRunAction.Skipped => "completed, skipped", ComparisonRunAction.Resumed => "resuming from its checkpoint", _ => "starting" });
            if (action == ComparisonRunAction.Skipped)
            {
                continue;
            }

            var outcome = new Trainer(run.Options, observerFor(run)).Run(action == ComparisonRunAction.Resumed, stop, overwrite: action == ComparisonRunAction.Started, heldLock: claim);
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

    /// <summary>A completed run's metrics, or null when it has not completed its epochs.</summary>
    internal static Dictionary<string, double>? ReadRun(ComparisonRun run)
    {
        var folder = new RunFolder(run.Options.OutDir);
        var summary = folder.ReadSummary();
        if (summary is null || !Finished(summary, run.Options))
        {
            return null;
        }

        return SummaryMetrics(folder, summary, testedEveryEpoch: run.Options.Validation is null || run.Options.TestEvery);
    }

    /// <summary>The metrics of <see cref="MetricNames"/> a run's summary.json (and last metrics.csv row) give, by name; absent ones are left out.</summary>
    /// <param name="folder">The run folder.</param>
    /// <param name="summary">Its summary.json.</param>
    /// <param name="testedEveryEpoch">
    /// Whether the run evaluated the test set every epoch; if not (a run with a validation set), its "best test error"
    /// is its only test evaluation, so best_test_error and best_epoch are left out rather than reported as a best.
    /// </param>
    public static Dictionary<string, double> SummaryMetrics(RunFolder folder, RunSummary summary, bool testedEveryEpoch = true)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(summary);
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
        if (testedEveryEpoch)
        {
            Add("best_test_error", summary.BestTestError);
            Add("best_epoch", summary.BestEpoch);
        }
        Add("train_seconds", summary.TrainSeconds);
        Add("images_per_second", summary.ImagesPerSecond);
        Add("train_error", summary.TrainError);
        if (summary.Validation is { } v)
        {
            Add("val_error", v.Error);
            Add("val_nll", v.Nll);
            Add("val_ece", v.Ece);
            Add("best_val_error", v.BestError);
            Add("best_val_epoch", v.BestEpoch);
            Add("best_val_test_error", v.BestTestError);
            Add("best_val_test_nll", v.BestTestNll);
            Add("best_val_test_ece", v.BestTestEce);
        }

        var last = folder.ReadMetrics().LastOrDefault();
        if (last is not null && last.TryGetValue("memorized_fraction", out double memorized) && double.IsFinite(memorized))
        {
            values["memorized_fraction"] = memorized;
        }

        return values;
    }

    /// <summary>Whether a run has nothing left to train: all its epochs, or fewer because <c>--early-stop</c> ended it.</summary>
    private static bool Finished(RunSummary summary, TrainingOptions o) =>
        summary.Completed && (summary.Epochs == o.Epochs || (summary.Validation?.StoppedEarlyAfter is { } after && after == summary.Epochs));

}
