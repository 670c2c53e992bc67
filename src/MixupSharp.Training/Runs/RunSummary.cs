using System.Text.Json.Serialization;

namespace MixupSharp.Training.Runs;

/// <summary>
/// summary.json: where a run stands, rewritten at every epoch end and when a run stops. Test metrics are those of the
/// last completed epoch (null before the first); <see cref="Completed"/> says whether all epochs ran.
/// </summary>
public sealed record RunSummary
{
    /// <summary>Test error of the last completed epoch.</summary>
    [JsonPropertyName("test_error")]
    public double? TestError { get; init; }

    /// <summary>Test NLL of the last completed epoch.</summary>
    [JsonPropertyName("test_nll")]
    public double? TestNll { get; init; }

    /// <summary>Test ECE of the last completed epoch.</summary>
    [JsonPropertyName("test_ece")]
    public double? TestEce { get; init; }

    /// <summary>The lowest test error of any epoch.</summary>
    [JsonPropertyName("best_test_error")]
    public double? BestTestError { get; init; }

    /// <summary>The 1-based epoch of <see cref="BestTestError"/> (0: none yet).</summary>
    [JsonPropertyName("best_epoch")]
    public int BestEpoch { get; init; }

    /// <summary>Completed epochs.</summary>
    [JsonPropertyName("epochs")]
    public int Epochs { get; init; }

    /// <summary>Seconds of training (evaluation excluded) over the completed epochs.</summary>
    [JsonPropertyName("train_seconds")]
    public double TrainSeconds { get; init; }

    /// <summary>Training images per second over the completed epochs.</summary>
    [JsonPropertyName("images_per_second")]
    public double ImagesPerSecond { get; init; }

    /// <summary>Whether all the run's epochs ran.</summary>
    [JsonPropertyName("completed")]
    public bool Completed { get; init; }

    /// <summary>The error on the training sample at the last epoch (<c>--train-error-every</c>; null when off): test − train is the generalization gap.</summary>
    [JsonPropertyName("train_error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? TrainError { get; init; }

    /// <summary>With a validation set (<c>--validation</c>): its metrics, the best-validation checkpoint's, and the test metrics of that checkpoint.</summary>
    [JsonPropertyName("validation")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ValidationSummary? Validation { get; init; }

    /// <summary>The configuration hash of the run.</summary>
    [JsonPropertyName("config_hash")]
    public string ConfigHash { get; init; } = string.Empty;
}

/// <summary>
/// The validation part of summary.json: the last epoch's validation metrics, the epoch with the lowest validation error
/// (whose weights are kept in best-validation.bin), and that checkpoint's test metrics, measured when the run ends.
/// </summary>
public sealed record ValidationSummary
{
    /// <summary>The number of held-out images.</summary>
    [JsonPropertyName("images")]
    public long Images { get; init; }

    /// <summary>Validation error of the last completed epoch.</summary>
    [JsonPropertyName("error")]
    public double? Error { get; init; }

    /// <summary>Validation NLL of the last completed epoch.</summary>
    [JsonPropertyName("nll")]
    public double? Nll { get; init; }

    /// <summary>Validation ECE of the last completed epoch.</summary>
    [JsonPropertyName("ece")]
    public double? Ece { get; init; }

    /// <summary>The 1-based epoch with the lowest validation error.</summary>
    [JsonPropertyName("best_epoch")]
    public int BestEpoch { get; init; }

    /// <summary>The lowest validation error.</summary>
    [JsonPropertyName("best_error")]
    public double? BestError { get; init; }

    /// <summary>Test error of the best-validation checkpoint (null until the run ends).</summary>
    [JsonPropertyName("best_test_error")]
    public double? BestTestError { get; init; }

    /// <summary>Test NLL of the best-validation checkpoint.</summary>
    [JsonPropertyName("best_test_nll")]
    public double? BestTestNll { get; init; }

    /// <summary>Test ECE of the best-validation checkpoint.</summary>
    [JsonPropertyName("best_test_ece")]
    public double? BestTestEce { get; init; }

    /// <summary>The epoch after which <c>--early-stop</c> ended the run; null if it did not.</summary>
    [JsonPropertyName("stopped_early_after")]
    public int? StoppedEarlyAfter { get; init; }
}
