namespace MixupSharp.Training;

/// <summary>One epoch's metrics.</summary>
/// <param name="Epoch">The 1-based epoch.</param>
/// <param name="LearningRate">The learning rate at its end.</param>
/// <param name="TrainLoss">The mean training loss.</param>
/// <param name="Test">The test set's metrics; <see cref="EvaluationResult.NotEvaluated"/> in the epochs a run with a validation set skips.</param>
/// <param name="ImagesPerSecond">Training throughput.</param>
/// <param name="EpochSeconds">Training seconds.</param>
/// <param name="PeakMemoryMb">Peak resident memory.</param>
/// <param name="MemorizedFraction">With label noise: the fraction of flipped labels the model reproduces.</param>
/// <param name="Validation">The validation set's metrics (<c>--validation</c>); null without one.</param>
/// <param name="TrainError">The error on the training sample (<c>--train-error-every</c>): NaN in epochs it skips; null when off.</param>
/// <param name="Ema">With <c>--model-ema</c>: the averaged weights' test metrics (not evaluated in the epochs the raw ones are not) and validation metrics; null without.</param>
public sealed record EpochMetrics(
    int Epoch,
    double LearningRate,
    double TrainLoss,
    EvaluationResult Test,
    double ImagesPerSecond,
    double EpochSeconds,
    double PeakMemoryMb,
    double? MemorizedFraction,
    EvaluationResult? Validation = null,
    double? TrainError = null,
    EmaMetrics? Ema = null);

/// <summary>The metrics of the weights' moving average in one epoch (<c>--model-ema</c>).</summary>
/// <param name="Test">The test set's metrics (<see cref="EvaluationResult.NotEvaluated"/> when the raw weights' are too).</param>
/// <param name="Validation">The validation set's metrics; null without a validation set.</param>
public sealed record EmaMetrics(EvaluationResult Test, EvaluationResult? Validation);
