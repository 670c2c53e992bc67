using System;

namespace MixupSharp.Training;

/// <summary>What a run reports while it trains.</summary>
public interface ITrainingObserver
{
    /// <summary>After each step.</summary>
    void OnStep(int epoch, int epochs, long step, long steps, double loss, double imagesPerSecond, TimeSpan elapsed);

    /// <summary>After each epoch's evaluation.</summary>
    void OnEpoch(EpochMetrics metrics, int epochs);

    /// <summary>Free-form information (data found, resume point, checkpoint saved).</summary>
    void Info(string message);
}
