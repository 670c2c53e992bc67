using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using MixupSharp.Training.Grids;
using MixupSharp.Training.Options;
using Xunit;

namespace MixupSharp.Tests.Grids;

/// <summary>Grids shared by several processes: a fixed partition of the runs, and locks on run folders.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class ShardAndLockTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-shard-").FullName;
    private readonly string _data;
    private readonly string _grid;

    public ShardAndLockTests()
    {
        _data = Path.Combine(_dir, "data");
        DataFiles.WriteCifar10(_data, perBatch: 8, testCount: 12);
        _grid = Path.Combine(_dir, "grid.json");
        File.WriteAllText(_grid, """{"seeds": [1, 2], "variants": [{"name": "erm", "method": "erm"}, {"name": "mixup", "method": "mixup"}]}""");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Code, string Out, string Err) Compare(string outDir, params string[] more) =>
        CliRunner.Run(new[] { "compare", "--variants", _grid, "--out", outDir, "--dataset", "cifar10", "--data-dir", _data, "--model", "fast-resnet", "--batch-size", "16", "--epochs", "1", "--threads", "1" }.Concat(more).ToArray());

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

        var cli = Compare(Path.Combine(_dir, "never"), "--shard", "3/2");
        Assert.Equal(2, cli.Code);
        Assert.Contains("--shard must be I/N", cli.Err);
    }

    [Fact]
    public void TwoShardsOnOneFolderGiveTheRunsOfOneProcess()
    {
        string single = Path.Combine(_dir, "single");
        Assert.True(Compare(single).Code == 0);
        string shared = Path.Combine(_dir, "shared");
        var first = Compare(shared, "--shard", "0/2");
        Assert.True(first.Code == 0, first.Err);
        Assert.Contains("shard 0/2: 2 of the grid's 4 runs", first.Out);
        Assert.Contains("not completed: 2 of 4 runs (0 running now)", first.Out);
        var second = Compare(shared, "--shard=1/2");
        Assert.True(second.Code == 0, second.Err);
        var report = Compare(shared, "--report-only");
        Assert.DoesNotContain("not completed", report.Out);
        foreach (var run in new[] { "erm/s1", "mixup/s1", "erm/s2", "mixup/s2" })
        {
            string Columns(string root) => string.Join("\n", File.ReadAllLines(Path.Combine(root, run, "metrics.csv")).Select(l => string.Join(",", l.Split(',').Where((_, i) => i is not (6 or 7 or 8)))));
            Assert.Equal(Columns(single), Columns(shared));
            Assert.False(File.Exists(RunLock.PathOf(Path.Combine(shared, run))));   // released after training
        }
    }

    [Fact]
    public void ALiveLockRefusesAStaleOneIsTakenOverOnlyWhenAsked()
    {
        string outDir = Path.Combine(_dir, "locked");
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
}
