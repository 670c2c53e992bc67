using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using MixupSharp.Training.Grids;
using MixupSharp.Training.Options;
using MixupSharp.Training.Runs;
using Xunit;

namespace MixupSharp.Tests.Grids;

/// <summary>Grids shared by several processes: a fixed partition of the runs, and locks on run folders.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class ShardAndLockTests : IDisposable
{
    private readonly TinyGrid _tiny = new("mixupsharp-shard-");

    public void Dispose() => _tiny.Dispose();

    private (int Code, string Out, string Err) Compare(string outDir, params string[] more) =>
        CliRunner.Run(new[] { "compare", "--variants", _tiny.VariantsFile, "--out", outDir, "--dataset", "cifar10", "--data-dir", _tiny.Data, "--model", "fast-resnet", "--batch-size", "16", "--epochs", "1", "--threads", "1" }.Concat(more).ToArray());

    [Fact]
    public void ShardsPartitionTheRunListTheSameWayWhateverIsDone()
    {
        var runs = Enumerable.Range(0, 11).Select(i => new ComparisonRun($"v{i}", new TrainingOptions { OutDir = $"o{i}" })).ToList();
        var shards = Enumerable.Range(0, 3).Select(i => new GridShard(i, 3).Select(runs)).ToList();
        Assert.Equal(runs.Select(r => r.Variant).OrderBy(v => v), shards.SelectMany(s => s).Select(r => r.Variant).OrderBy(v => v));
        Assert.Equal(new[] { "v1", "v4", "v7", "v10" }, shards[1].Select(r => r.Variant));

        string? Env(string name, Dictionary<string, string> env) => env.TryGetValue(name, out var v) ? v : null;
        Assert.Equal(new GridShard(2, 4), GridShard.Parse("2/4", _ => null));
        Assert.Equal(new GridShard(3, 5), GridShard.Parse("auto", n => Env(n, new() { ["SLURM_ARRAY_TASK_ID"] = "3", ["SLURM_ARRAY_TASK_COUNT"] = "5" })));
        Assert.Equal(new GridShard(1, 3), GridShard.Parse("auto", n => Env(n, new() { ["SLURM_ARRAY_TASK_ID"] = "11", ["SLURM_ARRAY_TASK_MIN"] = "10", ["SLURM_ARRAY_TASK_MAX"] = "12" })));
        Assert.Equal(new GridShard(4, 6), GridShard.Parse("auto", n => Env(n, new() { ["JOB_COMPLETION_INDEX"] = "4" }), count: 6));
        Assert.Contains("needs a scheduler", Assert.Throws<InvalidOptionException>(() => GridShard.Parse("auto", _ => null)).Message);
        Assert.Contains("--shard-count", Assert.Throws<InvalidOptionException>(() => GridShard.Parse("auto", n => Env(n, new() { ["JOB_COMPLETION_INDEX"] = "1" }))).Message);
        foreach (var bad in new[] { "3/2", "x", "1/0", "-1/2", "1/2/3" })
        {
            Assert.Contains("must be I/N", Assert.Throws<InvalidOptionException>(() => GridShard.Parse(bad, _ => null)).Message);
        }

        var cli = Compare(Path.Combine(_tiny.Dir, "never"), "--shard", "3/2");
        Assert.Equal(2, cli.Code);
        Assert.Contains("--shard must be I/N", cli.Err);
    }

    [Fact]
    public void TwoShardsOnOneFolderGiveTheRunsOfOneProcess()
    {
        string single = Path.Combine(_tiny.Dir, "single");
        Assert.True(Compare(single).Code == 0);
        string shared = Path.Combine(_tiny.Dir, "shared");
        var first = Compare(shared, "--shard", "0/2");
        Assert.True(first.Code == 0, first.Err);
        Assert.Contains("shard 0/2: 2 of the grid's 4 runs", first.Out);
        Assert.Contains("not completed: 2 of 4 runs (0 running now)", first.Out);
        var second = Compare(shared, "--shard=1/2");
        Assert.True(second.Code == 0, second.Err);
        var report = Compare(shared, "--report-only");
        Assert.DoesNotContain("not completed", report.Out);
        foreach (var run in TinyGrid.Runs)
        {
            Assert.Equal(TinyGrid.MetricsWithoutTiming(single, run), TinyGrid.MetricsWithoutTiming(shared, run));
            Assert.False(File.Exists(RunLock.PathOf(Path.Combine(shared, run))));   // released after training
        }
    }

    [Fact]
    public void ALiveLockRefusesAStaleOneIsTakenOverOnlyWhenAsked()
    {
        string outDir = Path.Combine(_tiny.Dir, "locked");
        string run = Path.Combine(outDir, "erm", "s1");
        Directory.CreateDirectory(run);
        File.WriteAllText(RunLock.PathOf(run), $$"""{"Host": "{{Environment.MachineName}}", "Pid": {{Environment.ProcessId}}, "Time": "2026-11-29T00:00:00Z"}""");
        var live = Compare(outDir, "--shard", "0/4");
        Assert.Equal(1, live.Code);
        Assert.Contains($"{run} is being trained by {Environment.MachineName} pid {Environment.ProcessId}", live.Err);
        Assert.Contains("erm s1 (running)", Compare(outDir, "--report-only").Out);

        File.SetLastWriteTimeUtc(RunLock.PathOf(run), DateTime.UtcNow.AddMinutes(-30));   // not refreshed for 30 minutes
        var stale = Compare(outDir, "--shard", "0/4");
        Assert.Equal(1, stale.Code);
        Assert.Contains("holds a stale lock", stale.Err);
        Assert.Contains("--steal-stale-locks", stale.Err);
        var taken = Compare(outDir, "--shard", "0/4", "--steal-stale-locks");
        Assert.True(taken.Code == 0, taken.Err);
        Assert.Contains("taking over the stale lock", taken.Out);
        Assert.True(File.Exists(Path.Combine(run, "summary.json")));
    }

    [Fact]
    public void TakingFreeRunsLeavesALiveLockToItsHolderAndTrainsTheRest()
    {
        Assert.True(GridShard.Parse("free", _ => null).TakesFreeRuns);
        Assert.NotEqual(GridShard.All, GridShard.Free);   // the whole grid either way, but only Free skips held runs
        string outDir = Path.Combine(_tiny.Dir, "free");
        string held = Path.Combine(outDir, "erm", "s1");
        Directory.CreateDirectory(held);
        File.WriteAllText(RunLock.PathOf(held), $$"""{"Host": "{{Environment.MachineName}}", "Pid": {{Environment.ProcessId}}, "Time": "2026-11-29T00:00:00Z"}""");
        var free = Compare(outDir, "--shard", "free");
        Assert.True(free.Code == 0, free.Err);
        Assert.Contains($"erm seed 1: being trained by {Environment.MachineName} pid {Environment.ProcessId}; left to it", free.Out);
        Assert.Contains("not completed: 1 of 4 runs (1 running now)", free.Out);
        Assert.False(File.Exists(Path.Combine(held, "summary.json")));
        Assert.Equal(3, TinyGrid.Runs.Count(run => File.Exists(Path.Combine(outDir, run, "summary.json"))));

        File.Delete(RunLock.PathOf(held));   // its holder is done with it: the next free process trains it
        var rest = Compare(outDir, "--shard", "free");
        Assert.True(rest.Code == 0, rest.Err);
        Assert.DoesNotContain("not completed", rest.Out);
    }

    /// <summary>The arguments of a 3-epoch SeedNet compare of the tiny grid into <paramref name="outDir"/>.</summary>
    private string[] Args(string outDir) => new[]
    {
        "compare", "--variants", _tiny.VariantsFile, "--out", outDir, "--dataset", "cifar10", "--data-dir", _tiny.Data,
        "--model", "seednet", "--batch-size", "4", "--epochs", "3", "--threads", "1",
    };

    /// <summary>That compare as a child process of its own (so locks name another pid), with --shard <paramref name="shard"/>.</summary>
    private ProcessRunner.ChildProcess Shard(string outDir, string shard, Action<string>? onLine = null, params string[] more)
    {
        var start = new ProcessStartInfo("dotnet");
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "MixupSharp.Cli.dll") }.Concat(Args(outDir)).Concat(new[] { "--shard", shard }).Concat(more))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["CI"] = "true";   // plain progress lines
        return ProcessRunner.Start(start, onLine);
    }

    private const int SigStop = 19, SigCont = 18;   // Linux

    [Fact]
    public void TwoFreeProcessesShareTheGridLeaveEachOthersRunsAndGiveTheRunsOfOne()
    {
        // The overlap is made certain rather than left to timing: a 3-epoch run here lasts about as long as a process
        // takes to start, so a second process started "together" with the first could find every run already done.
        // The first is frozen (SIGSTOP) while it holds a run, the second must leave that run to it, and the first is
        // thawed at once, so the two then race for the remaining runs.
        string shared = Path.Combine(_tiny.Dir, "free-pair");
        using var started = new SemaphoreSlim(0);
        using var leftToIt = new ManualResetEventSlim();
        using var first = Shard(shared, "free", line => { if (line.Contains(": starting", StringComparison.Ordinal)) { started.Release(); } });
        StopHoldingARun(first, shared, started, _ => true);   // a failed assertion from here on kills it, stopped or not, on dispose
        using var second = Shard(shared, "free", line => { if (line.Contains("left to it", StringComparison.Ordinal)) { leftToIt.Set(); } });
        Assert.True(leftToIt.Wait(TimeSpan.FromSeconds(120)), $"the second process did not leave the frozen process's run to it. Output:\n{second.Output}");
        Assert.Equal(0, kill(first.Process.Id, SigCont));
        foreach (var process in new[] { first, second })
        {
            Assert.True(process.Process.WaitForExit(240_000), "a free process did not finish");
            process.Process.WaitForExit();
            Assert.True(process.Process.ExitCode == 0, process.Output);
        }

        // Each run trained once: by one process, left to it by the other (or found completed).
        foreach (var run in TinyGrid.Runs)
        {
            string variant = run.Split('/')[0], seed = run.Split('/')[1][1..];
            int trained = new[] { first, second }.Count(p => p.Output.Contains($"{variant} seed {seed}: starting", StringComparison.Ordinal));
            Assert.True(trained == 1, $"{run} was started {trained} times:\n{first.Output}\n{second.Output}");
        }

        string single = Path.Combine(_tiny.Dir, "free-single");
        Assert.Equal(0, CliRunner.Run(Args(single)).Code);
        foreach (var run in TinyGrid.Runs)
        {
            Assert.Equal(TinyGrid.MetricsWithoutTiming(single, run), TinyGrid.MetricsWithoutTiming(shared, run));
        }
    }

    /// <summary>
    /// Stops <paramref name="process"/> (SIGSTOP) each time <paramref name="signalled"/> is released, until it is stopped
    /// holding the lock of a run folder that <paramref name="ready"/> accepts, and returns that folder. Output reaches the
    /// test a moment after it is printed, so the process may have moved on by then: it is then let go to its next signal.
    /// </summary>
    private static string StopHoldingARun(ProcessRunner.ChildProcess process, string gridDir, SemaphoreSlim signalled, Func<string, bool> ready)
    {
        while (true)
        {
            Assert.True(signalled.Wait(TimeSpan.FromSeconds(120)), $"the process never got where the test stops it. Output:\n{process.Output}");
            Assert.Equal(0, kill(process.Process.Id, SigStop));
            string? held = TinyGrid.Runs.Select(run => Path.Combine(gridDir, run))
                .FirstOrDefault(dir => RunLock.Read(RunLock.PathOf(dir))?.Pid == process.Process.Id && ready(dir));
            if (held is not null)
            {
                return held;
            }

            Assert.Equal(0, kill(process.Process.Id, SigCont));
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [Fact]
    public void AShardKilledMidRunResumesItsOwnRunsAndLeavesTheOtherShardsAlone()
    {
        string shared = Path.Combine(_tiny.Dir, "killed");
        using var inSecondEpoch = new SemaphoreSlim(0);
        using var first = Shard(shared, "0/2", line => { if (line.Contains("epoch 2/", StringComparison.Ordinal)) { inSecondEpoch.Release(); } });
        using var second = Shard(shared, "1/2");

        // Killed while it holds an unfinished run with a checkpoint: stopped there first, so the kill cannot land after
        // the run has ended (a tiny run's last epochs take less time than a loaded machine may take to pass a line on).
        string killedRun = StopHoldingARun(first, shared, inSecondEpoch, dir => new RunFolder(dir) is { HasCheckpoint: true } folder && folder.ReadSummary()?.Completed != true);
        Assert.Equal(0, kill(first.Process.Id, 9));   // SIGKILL: no checkpoint on the way out, the lock stays behind
        first.Process.WaitForExit();
        Assert.True(second.Process.WaitForExit(180_000), "shard 1 did not finish");
        second.Process.WaitForExit();
        Assert.True(second.Process.ExitCode == 0, second.Output);

        string[] otherShard = { "mixup/s1", "mixup/s2" };   // indices 1 and 3 of the seed-major list
        var before = otherShard.ToDictionary(r => r, r => File.ReadAllBytes(Path.Combine(shared, r, "metrics.csv")));
        Assert.True(File.Exists(RunLock.PathOf(killedRun)), "the killed shard's lock should remain");

        // Restarted as a requeued task would be: the dead pid's lock is stale, taken over, and the run resumes.
        using (var again = Shard(shared, "0/2", null, "--steal-stale-locks"))
        {
            Assert.True(again.Process.WaitForExit(180_000), "the restarted shard did not finish");
            again.Process.WaitForExit();
            Assert.True(again.Process.ExitCode == 0, again.Output);
            Assert.Contains($"{killedRun}: taking over the stale lock", again.Output);
            Assert.Contains($"resuming from its checkpoint ({killedRun})", again.Output);
        }

        foreach (var run in otherShard)
        {
            Assert.Equal(before[run], File.ReadAllBytes(Path.Combine(shared, run, "metrics.csv")));
        }

        string single = Path.Combine(_tiny.Dir, "one-process");
        Assert.Equal(0, CliRunner.Run(Args(single)).Code);
        foreach (var run in TinyGrid.Runs)
        {
            Assert.Equal(TinyGrid.MetricsWithoutTiming(single, run), TinyGrid.MetricsWithoutTiming(shared, run));
        }
    }
}
