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

    /// <summary>The configuration hash of the run.</summary>
    [JsonPropertyName("config_hash")]
    public string ConfigHash { get; init; } = string.Empty;
}
