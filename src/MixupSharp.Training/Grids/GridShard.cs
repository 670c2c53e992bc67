using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MixupSharp.Training.Options;

namespace MixupSharp.Training.Grids;

/// <summary>
/// One process's share of a grid: runs at positions p of the seed-major run list with p mod Count = Index. The partition
/// is fixed by the grid alone (never by which runs are done), so a requeued task trains the same runs. <see cref="Free"/>
/// instead shares the grid as it goes: any number of processes each take the next run nobody holds.
/// </summary>
/// <param name="Index">0 ≤ Index &lt; Count.</param>
/// <param name="Count">How many shards.</param>
public sealed record GridShard(int Index, int Count)
{
    /// <summary>The whole grid.</summary>
    public static readonly GridShard All = new(0, 1);

    /// <summary>
    /// The whole grid, leaving to others the runs a live process holds (a fixed slice would leave a core idle once its
    /// cheaper runs are done; processes of one machine or a shared file system balance themselves this way).
    /// </summary>
    public static readonly GridShard Free = new(0, 1) { TakesFreeRuns = true };

    /// <summary>Whether runs held by a live process are skipped (left to it) rather than refused.</summary>
    public bool TakesFreeRuns { get; private init; }

    /// <summary>This shard's runs, in grid order.</summary>
    public IReadOnlyList<ComparisonRun> Select(IReadOnlyList<ComparisonRun> runs) => runs.Where((_, i) => i % Count == Index).ToList();

    /// <summary>
    /// "I/N", "free" (<see cref="Free"/>), or "auto": the scheduler's index and count. Slurm arrays give SLURM_ARRAY_TASK_ID with
    /// SLURM_ARRAY_TASK_COUNT (or SLURM_ARRAY_TASK_MIN and _MAX); Kubernetes Indexed Jobs give JOB_COMPLETION_INDEX, with
    /// the count from <paramref name="count"/> or MIXUPSHARP_SHARD_COUNT. Anything else is an <see cref="InvalidOptionException"/>.
    /// </summary>
    public static GridShard Parse(string text, Func<string, string?> environment, int? count = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (text == "auto")
        {
            return FromScheduler(environment, count);
        }

        if (text == "free")
        {
            return Free;
        }

        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index) && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && index < n)
        {
            return new GridShard(index, n);
        }

        throw new InvalidOptionException("shard", $"must be I/N with 0 ≤ I < N (e.g. 0/4), free or auto; got '{text}'.");
    }

    private static GridShard FromScheduler(Func<string, string?> environment, int? count)
    {
        int? Int(string name) => int.TryParse(environment(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null;
        if (Int("SLURM_ARRAY_TASK_ID") is { } id)
        {
            // With the grid's own task count (--shard-count, which the emitted Slurm script passes), the array task id
            // is the shard: a task resubmitted alone (sbatch --array=3) still trains shard 3 of N, not the whole grid.
            if (count is { } n)
            {
                return id >= 0 && id < n ? new GridShard(id, n) : throw new InvalidOptionException("shard", $"auto: SLURM_ARRAY_TASK_ID {id} is outside 0..{n - 1} (--shard-count {n}).");
            }

            if (Int("SLURM_ARRAY_TASK_COUNT") is { } total && id >= 0 && id < total)
            {
                int min = Int("SLURM_ARRAY_TASK_MIN") ?? 0;
                return new GridShard(id - min, total);
            }

            if (Int("SLURM_ARRAY_TASK_MIN") is { } low && Int("SLURM_ARRAY_TASK_MAX") is { } high && id >= low && id <= high)
            {
                return new GridShard(id - low, high - low + 1);
            }

            throw new InvalidOptionException("shard", $"auto: SLURM_ARRAY_TASK_ID is {id}, but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MIN and _MAX give a range holding it.");
        }

        if (Int("JOB_COMPLETION_INDEX") is { } k8s)
        {
            int total = count ?? Int("MIXUPSHARP_SHARD_COUNT") ?? throw new InvalidOptionException("shard", "auto: JOB_COMPLETION_INDEX is set but the count is not; give --shard-count N (the Job's completions) or set MIXUPSHARP_SHARD_COUNT.");
            return k8s >= 0 && k8s < total ? new GridShard(k8s, total) : throw new InvalidOptionException("shard", $"auto: JOB_COMPLETION_INDEX {k8s} is outside 0..{total - 1}.");
        }

        throw new InvalidOptionException("shard", "auto needs a scheduler: neither SLURM_ARRAY_TASK_ID (a Slurm array task) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set; give --shard I/N instead.");
    }
}
