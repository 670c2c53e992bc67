using System.Threading;
using MixupSharp.Training.Sinks;

namespace MixupSharp.Tests.Support;

/// <summary>A sink that cancels the run once its first epoch is saved, as Ctrl-C would: the resume tests' interruption.</summary>
public sealed class StopAfterFirstEpoch : ITrainingSink
{
    private readonly CancellationTokenSource _stop;

    public StopAfterFirstEpoch(CancellationTokenSource stop) => _stop = stop;

    public void OnEpochSaved(EpochReport report) => _stop.Cancel();
}
