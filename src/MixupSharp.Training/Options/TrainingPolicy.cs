using System.Text.Json.Serialization;

namespace MixupSharp.Training.Options;

/// <summary>
/// The per-sample policy augmentation of a run (<c>--policy</c>), applied after the dataset's crop/flip and before any
/// mixing method, so <c>--policy trivialaugment --method mixup</c> composes them as the published recipes do.
/// </summary>
public enum TrainingPolicy
{
    /// <summary>No policy augmentation.</summary>
    None,

    /// <summary>RandAugment (<see cref="Policies.RandAugment"/>): <c>--ra-ops</c> operations at <c>--ra-magnitude</c>.</summary>
    [JsonStringEnumMemberName("randaugment")]
    RandAugment,

    /// <summary>TrivialAugmentWide (<see cref="Policies.TrivialAugmentWide"/>).</summary>
    [JsonStringEnumMemberName("trivialaugment")]
    TrivialAugment,

    /// <summary>AutoAugment (<see cref="Policies.AutoAugment"/>) with <c>--aa-policy</c>.</summary>
    [JsonStringEnumMemberName("autoaugment")]
    AutoAugment,

    /// <summary>AugMix (<see cref="Policies.AugMix"/>) with <c>--augmix-severity</c> and <c>--augmix-width</c>.</summary>
    [JsonStringEnumMemberName("augmix")]
    AugMix,
}

/// <summary>The two extra views of the Jensen–Shannon consistency term (<c>--jsd-views</c>).</summary>
public enum JsdViews
{
    /// <summary>Two MaskDistortMix draws of the batch (the default, as before this option).</summary>
    MaskDistortMix,

    /// <summary>Two AugMix draws, as the AugMix paper trains: (clean, augmix₁, augmix₂).</summary>
    [JsonStringEnumMemberName("augmix")]
    AugMix,
}
