using System;
using MixupSharp.Training;

namespace MixupSharp.Tests.Support;

/// <summary>An observer that prints nothing, for trainers run directly by tests.</summary>
public sealed class SilentObserver : ITrainingObserver
{
    /// <inheritdoc />
    public void OnStep(int epoch, int epochs, long step, long steps, double loss, double imagesPerSecond, TimeSpan elapsed)
    {
    }

    /// <inheritdoc />
    public void OnEpoch(EpochMetrics metrics, int epochs)
    {
    }

    /// <inheritdoc />
    public void Info(string message)
    {
    }
}
