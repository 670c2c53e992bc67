namespace MixupSharp.Training;

/// <summary>One epoch's metrics.</summary>
public sealed record EpochMetrics(
    int Epoch,
    double LearningRate,
    double TrainLoss,
    EvaluationResult Test,
    double ImagesPerSecond,
    double EpochSeconds,
    double PeakMemoryMb,
    double? MemorizedFraction);
