using System;
using System.IO;
using System.Linq;
using System.Threading;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Grids;
using MixupSharp.Tests.Support;
using MixupSharp.Training;
using MixupSharp.Training.Grids;
using MixupSharp.Training.Options;
using MixupSharp.Training.Runs;
using MixupSharp.Training.Sinks;
using Xunit;

namespace MixupSharp.Tests.Reliability;

/// <summary>
/// Reliability, second pass: runs that could never finish, stale or missing best-validation weights, two writers in one
/// run folder, and what a resume says (items 1, 2, 3, 16 and 25).
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class R2RunLifecycleTests : IDisposable
{
    private readonly TinyCifar _cifar = new("mixupsharp-r2-run-");

    public void Dispose() => _cifar.Dispose();

    private TrainingOptions Options(string run, int epochs = 2) => new()
    {
        Dataset = TrainingDataset.Cifar10, DataDir = _cifar.Data, Model = "fast-resnet", BatchSize = 16, Epochs = epochs, Threads = 1,
        Validation = 10, OutDir = run,
    };

    private string[] TrainArgs(string run, int epochs = 2) => new[]
    {
        "train", "--dataset", "cifar10", "--data-dir", _cifar.Data, "--model", "fast-resnet", "--batch-size", "16", "--epochs", epochs.ToString(),
        "--threads", "1", "--validation", "10", "--out", run,
    };

    /// <summary>Where a stand-in kill lands in the last epoch: before its checkpoint, between checkpoint and summary, after the summary.</summary>
    public enum KillPoint
    {
        BeforeCheckpoint,
        AfterCheckpointNoSummary,
        AfterCheckpointStaleSummary,
        AfterSummary,
    }

    private sealed class Killed : Exception
    {
    }

    /// <summary>
    /// Stops the run in its last epoch at <paramref name="point"/> by throwing, after leaving the files as a SIGKILL there
    /// would: between checkpoint and summary, summary.json is put back as it was before the epoch (or removed).
    /// </summary>
    private sealed class KillIn : ITrainingSink
    {
        private readonly string _run;
        private readonly int _epoch;
        private readonly KillPoint _point;
        private string? _summaryBefore;

        public KillIn(string run, int epoch, KillPoint point) => (_run, _epoch, _point) = (run, epoch, point);

        public void OnEpoch(EpochReport report)
        {
            if (report.Metrics.Epoch != _epoch)
            {
                return;
            }

            string summary = Path.Combine(_run, "summary.json");
            _summaryBefore = File.Exists(summary) ? File.ReadAllText(summary) : null;
            if (_point == KillPoint.BeforeCheckpoint)
            {
                throw new Killed();
            }
        }

        public void OnEpochSaved(EpochReport report)
        {
            if (report.Metrics.Epoch != _epoch)
            {
                return;
            }

            string summary = Path.Combine(_run, "summary.json");
            if (_point == KillPoint.AfterCheckpointNoSummary)
            {
                File.Delete(summary);
            }
            else if (_point == KillPoint.AfterCheckpointStaleSummary)
            {
                Assert.NotNull(_summaryBefore);
                File.WriteAllText(summary, _summaryBefore);
            }

            throw new Killed();
        }
    }

    [Theory]
    [InlineData(KillPoint.BeforeCheckpoint, 2)]
    [InlineData(KillPoint.AfterCheckpointNoSummary, 1)]
    [InlineData(KillPoint.AfterCheckpointStaleSummary, 2)]
    [InlineData(KillPoint.AfterSummary, 2)]
    public void R2_Item1_ARunKilledAnywhereBetweenItsLastStepAndItsSummaryResumesIntoTheSameFinalSummary(KillPoint point, int epochs)
    {
        string reference = Path.Combine(_cifar.Dir, "reference");
        Assert.Equal(RunOutcome.Completed, new Trainer(Options(reference, epochs), new SilentObserver()).Run(resume: false));
        var expected = new RunFolder(reference).ReadSummary()!;

        string run = Path.Combine(_cifar.Dir, $"killed-{point}");
        Assert.Throws<Killed>(() => new Trainer(Options(run, epochs), new SilentObserver(), new KillIn(run, epochs, point)).Run(resume: false));
        Assert.False(File.Exists(RunLock.PathOf(run)));

        var resumed = CliRunner.Run("train", "--resume", run);
        Assert.True(resumed.Code == 0, resumed.Err + resumed.Out);
        Assert.Contains($"done. {run}/summary.json:", resumed.Out);
        if (point is KillPoint.AfterCheckpointNoSummary or KillPoint.AfterCheckpointStaleSummary)
        {
            Assert.Contains($"the final evaluation of epoch {epochs} is missing", resumed.Out);
        }

        var summary = new RunFolder(run).ReadSummary()!;
        Assert.True(summary.Completed);
        Assert.Equal(epochs, summary.Epochs);
        Assert.Equal(expected.TestError, summary.TestError);
        Assert.Equal(expected.TestNll, summary.TestNll);
        Assert.Equal(expected.Validation!.Error, summary.Validation!.Error);
        Assert.Equal(expected.Validation.BestEpoch, summary.Validation.BestEpoch);
        Assert.NotNull(summary.Validation.BestTestError);
        Assert.Equal(expected.Validation.BestTestError, summary.Validation.BestTestError);
        if (point != KillPoint.BeforeCheckpoint)
        {
            Assert.Single(Directory.EnumerateFiles(run, "events.out.tfevents.*"));   // the conclusion opens no new sitting
        }

        Assert.Equal(epochs, new RunFolder(run).ReadMetrics().Count);
    }

    [Fact]
    public void R2_Item1_CompareCompletesAGridRunKilledBetweenCheckpointAndSummary()
    {
        using var tiny = new TinyGrid("mixupsharp-r2-grid-");
        string grid = Path.Combine(tiny.Dir, "grid");
        string[] args = { "compare", "--variants", tiny.VariantsFile, "--out", grid, "--dataset", "cifar10", "--data-dir", tiny.Data, "--model", "seednet", "--batch-size", "8", "--epochs", "1", "--threads", "1", "--validation", "10" };
        Assert.Equal(0, CliRunner.Run(args).Code);
        string run = Path.Combine(grid, "erm", "s1");
        File.Delete(Path.Combine(run, "summary.json"));   // as if killed after the last checkpoint
        var again = CliRunner.Run(args);
        Assert.True(again.Code == 0, again.Err);
        Assert.DoesNotContain("not completed", again.Out);
        Assert.True(new RunFolder(run).ReadSummary()!.Completed);
        Assert.Single(Directory.EnumerateFiles(run, "events.out.tfevents.*"));
    }

    [Fact]
    public void R2_Item2_AMissingOrCorruptBestValidationFileIsNamedBeforeAnyEpochIsTrained()
    {
        string run = Path.Combine(_cifar.Dir, "best");
        Assert.Throws<Killed>(() => new Trainer(Options(run, 3), new SilentObserver(), new KillIn(run, 1, KillPoint.AfterSummary)).Run(resume: false));
        string best = Path.Combine(run, "best-validation.bin");
        byte[] good = File.ReadAllBytes(best);
        byte[] checkpoint = File.ReadAllBytes(Path.Combine(run, "checkpoint.bin"));

        File.Delete(best);
        var missing = CliRunner.Run("train", "--resume", run);
        Assert.Equal(1, missing.Code);
        Assert.StartsWith($"error: {best} is missing; the checkpoint records the best validation error at epoch 1", missing.Err);
        Assert.Single(missing.Err.TrimEnd('\n').Split('\n'));

        byte[] corrupt = (byte[])good.Clone();
        corrupt[corrupt.Length / 2] ^= 0x40;
        File.WriteAllBytes(best, corrupt);
        var bad = CliRunner.Run("train", "--resume", run);
        Assert.Equal(1, bad.Code);
        Assert.StartsWith($"error: {best} is corrupt", bad.Err);

        File.WriteAllBytes(best, good[..(good.Length / 3)]);
        Assert.Contains(best, CliRunner.Run("train", "--resume", run).Err);

        // Nothing was trained by the refused resumes, and the restored file lets the run finish.
        Assert.Equal(checkpoint, File.ReadAllBytes(Path.Combine(run, "checkpoint.bin")));
        Assert.Single(new RunFolder(run).ReadMetrics());
        File.WriteAllBytes(best, good);
        var resumed = CliRunner.Run("train", "--resume", run);
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Equal(3, new RunFolder(run).ReadSummary()!.Epochs);
        Assert.False(File.Exists(Path.Combine(run, ".best-validation.bin.tmp")));
    }

    /// <summary>Holds the first training step until released, so a second writer meets a run in progress.</summary>
    private sealed class HoldFirstStep : ITrainingSink
    {
        public ManualResetEventSlim Reached { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public void OnStep(StepReport step)
        {
            Reached.Set();
            Release.Wait(TimeSpan.FromMinutes(2));
        }
    }

    [Fact]
    public void R2_Item3_ASecondTrainInTheSameFolderIsRefusedNamingTheHolderAndLeavesTheRunAlone()
    {
        string run = Path.Combine(_cifar.Dir, "shared");
        var hold = new HoldFirstStep();
        RunOutcome? first = null;
        Exception? failed = null;
        var thread = new Thread(() =>
        {
            try
            {
                first = new Trainer(Options(run, 1), new SilentObserver(), hold).Run(resume: false);
            }
            catch (Exception e)
            {
                failed = e;
                hold.Reached.Set();
            }
        });
        thread.Start();
        Assert.True(hold.Reached.Wait(TimeSpan.FromMinutes(2)));
        string config = File.ReadAllText(Path.Combine(run, "config.json"));

        var second = CliRunner.Run(TrainArgs(run, 1).Concat(new[] { "--seed", "2", "--overwrite" }).ToArray());
        Assert.Equal(1, second.Code);
        Assert.StartsWith($"error: {run} is being trained by {Environment.MachineName} pid {Environment.ProcessId} since ", second.Err);
        Assert.Single(second.Err.TrimEnd('\n').Split('\n'));
        var resumer = CliRunner.Run("train", "--resume", run);
        Assert.Contains("is being trained by", resumer.Err);

        hold.Release.Set();
        thread.Join();
        Assert.Null(failed);
        Assert.Equal(RunOutcome.Completed, first);
        Assert.Equal(config, File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Single(new RunFolder(run).ReadMetrics());
        Assert.False(File.Exists(RunLock.PathOf(run)));
    }

    [Fact]
    public void R2_Item3_ALockLeftByAKilledProcessIsTakenOverAndOneOfAnotherHostIsExplained()
    {
        string run = Path.Combine(_cifar.Dir, "stale");
        Directory.CreateDirectory(run);
        File.WriteAllText(RunLock.PathOf(run), $$"""{"Host": "{{Environment.MachineName}}", "Pid": {{DeadPid()}}, "Time": "2026-11-29T00:00:00Z"}""");
        var taken = CliRunner.Run(TrainArgs(run, 1));
        Assert.True(taken.Code == 0, taken.Err);
        Assert.Contains("taking over the lock of", taken.Out);

        string other = Path.Combine(_cifar.Dir, "other-host");
        Directory.CreateDirectory(other);
        File.WriteAllText(RunLock.PathOf(other), """{"Host": "elsewhere", "Pid": 1, "Time": "2026-11-29T00:00:00Z"}""");
        var live = CliRunner.Run(TrainArgs(other, 1));
        Assert.Equal(1, live.Code);
        Assert.Contains($"{other} is being trained by elsewhere pid 1", live.Err);
        File.SetLastWriteTimeUtc(RunLock.PathOf(other), DateTime.UtcNow.AddMinutes(-30));
        var stale = CliRunner.Run(TrainArgs(other, 1));
        Assert.Equal(1, stale.Code);
        Assert.Contains($"holds a stale lock ({RunLock.PathOf(other)}) of a process on another host", stale.Err);
        Assert.Contains($"delete {RunLock.PathOf(other)}", stale.Err);
    }

    [Fact]
    public void R2_Item16_AFreeProcessGoesOnPastADeadProcesssLockAndSkipsAStaleOneOfAnotherHost()
    {
        using var tiny = new TinyGrid("mixupsharp-r2-free-");
        string grid = Path.Combine(tiny.Dir, "grid");
        string dead = Path.Combine(grid, "erm", "s1"), elsewhere = Path.Combine(grid, "mixup", "s1");
        Directory.CreateDirectory(dead);
        Directory.CreateDirectory(elsewhere);
        File.WriteAllText(RunLock.PathOf(dead), $$"""{"Host": "{{Environment.MachineName}}", "Pid": {{DeadPid()}}, "Time": "2026-11-29T00:00:00Z"}""");
        File.WriteAllText(RunLock.PathOf(elsewhere), """{"Host": "elsewhere", "Pid": 1, "Time": "2026-11-29T00:00:00Z"}""");
        File.SetLastWriteTimeUtc(RunLock.PathOf(dead), DateTime.UtcNow.AddMinutes(-30));
        File.SetLastWriteTimeUtc(RunLock.PathOf(elsewhere), DateTime.UtcNow.AddMinutes(-30));
        var free = CliRunner.Run("compare", "--variants", tiny.VariantsFile, "--out", grid, "--dataset", "cifar10", "--data-dir", tiny.Data, "--model", "seednet", "--batch-size", "8", "--epochs", "1", "--threads", "1", "--shard", "free");
        Assert.True(free.Code == 0, free.Err + free.Out);
        Assert.Contains($"{dead}: taking over the lock of a process that no longer exists on this host", free.Out);
        Assert.Contains($"{elsewhere}: skipped; its lock is stale", free.Out);
        Assert.Equal(3, TinyGrid.Runs.Count(r => new RunFolder(Path.Combine(grid, r)).ReadSummary()?.Completed == true));
        Assert.Null(new RunFolder(elsewhere).ReadSummary());
    }

    [Fact]
    public void R2_Item25_ResumingAnEarlyStoppedRunWithMoreEpochsSaysItStoppedEarly()
    {
        string run = Path.Combine(_cifar.Dir, "early");
        var options = Options(run, 6) with { EarlyStop = 1, LearningRate = 1e-12 };   // no learning: validation never improves after epoch 1
        Assert.Equal(RunOutcome.Completed, new Trainer(options, new SilentObserver()).Run(resume: false));
        Assert.Equal(2, new RunFolder(run).ReadSummary()!.Validation!.StoppedEarlyAfter);
        var more = CliRunner.Run("train", "--resume", run, "--epochs", "10");
        Assert.True(more.Code == 0, more.Err);
        Assert.Contains("stopped early after epoch 2 (no validation improvement for 1 epochs); it has nothing left to train, and more --epochs do not continue it", more.Out);
    }

    [Fact]
    public void R2_Item25_AFailedBestValidationWriteSaysTheCheckpointsStateAndLeavesNoTemporaryFile()
    {
        string run = Path.Combine(_cifar.Dir, "full-disk");
        Directory.CreateDirectory(run);
        Directory.CreateDirectory(Path.Combine(run, "best-validation.bin"));   // the rename over it fails, as on a full disk
        var e = Assert.Throws<IOException>(() => new Trainer(Options(run, 1), new SilentObserver()).Run(resume: false));
        Assert.Contains($"{Path.Combine(run, "best-validation.bin")} of epoch 1 was not saved", e.Message);
        Assert.Contains("no checkpoint exists yet", e.Message);
        Assert.False(File.Exists(Path.Combine(run, ".best-validation.bin.tmp")));
    }

    /// <summary>The pid of a process that has exited (a short-lived child, waited for).</summary>
    private static int DeadPid()
    {
        using var child = System.Diagnostics.Process.Start("true")!;
        child.WaitForExit();
        return child.Id;
    }

}
