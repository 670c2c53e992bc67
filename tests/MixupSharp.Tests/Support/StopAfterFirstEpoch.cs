using System.IO;
using System.Threading;
using MixupSharp.Training;
using MixupSharp.Training.Options;
using MixupSharp.Training.Sinks;
using Xunit;

namespace MixupSharp.Tests.Support;

/// <summary>A sink that cancels the run once its first epoch is saved, as Ctrl-C would: the resume tests' interruption.</summary>
public sealed class StopAfterFirstEpoch : ITrainingSink
{
    private readonly CancellationTokenSource _stop;

    public StopAfterFirstEpoch(CancellationTokenSource stop) => _stop = stop;

    public void OnEpochSaved(EpochReport report) => _stop.Cancel();

    /// <summary>
    /// Trains <paramref name="config"/> into <paramref name="folder"/>/<paramref name="split"/>, stopped after its first
    /// epoch, resumes it with <c>train --resume</c>, and asserts its metrics (timings aside) equal the uninterrupted
    /// run's in <paramref name="folder"/>/<paramref name="straight"/>.
    /// </summary>
    public static void AssertResumeMatches(TrainingOptions config, string folder, string straight, string split)
    {
        using (var stop = new CancellationTokenSource())
        {
            var outcome = new Trainer(config with { OutDir = Path.Combine(folder, split) }, new SilentObserver(), new StopAfterFirstEpoch(stop)).Run(resume: false, stop.Token);
            Assert.Equal(RunOutcome.Interrupted, outcome);
        }

        var resumed = CliRunner.Run("train", "--resume", Path.Combine(folder, split));
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Equal(Grids.TinyGrid.MetricsWithoutTiming(folder, straight), Grids.TinyGrid.MetricsWithoutTiming(folder, split));
    }
}
