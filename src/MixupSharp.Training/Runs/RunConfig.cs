using System.Collections.Generic;
using System.Text.Json.Serialization;
using MixupSharp.Training.Options;

namespace MixupSharp.Training.Runs;

/// <summary>A run's per-channel normalization, as recorded in config.json.</summary>
/// <param name="Mean">The per-channel mean subtracted.</param>
/// <param name="Std">The per-channel standard deviation divided by.</param>
public sealed record NormalizationRecord(
    [property: JsonPropertyName("mean")] double[] Mean,
    [property: JsonPropertyName("std")] double[] Std);

/// <summary>
/// config.json: the resolved options and what the run found (data sizes, classes, shape, normalization, versions).
/// Written once per sitting; read by resume, eval, compare and bench. Runs written before a field existed read it as null.
/// </summary>
public sealed partial record RunConfig
{
    /// <summary>The resolved options.</summary>
    [JsonPropertyName("options")]
    public required TrainingOptions Options { get; init; }

    /// <summary>The configuration hash (<see cref="ConfigFingerprint"/>).</summary>
    [JsonPropertyName("config_hash")]
    public required string ConfigHash { get; init; }

    /// <summary>The seed.</summary>
    [JsonPropertyName("seed")]
    public long Seed { get; init; }

    /// <summary>Training images, after subsetting.</summary>
    [JsonPropertyName("train_images")]
    public long TrainImages { get; init; }

    /// <summary>Test images.</summary>
    [JsonPropertyName("test_images")]
    public long TestImages { get; init; }

    /// <summary>The class names, in label order.</summary>
    [JsonPropertyName("classes")]
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>[C, H, W] of the images; null in runs written before it was recorded.</summary>
    [JsonPropertyName("image_shape")]
    public long[]? ImageShape { get; init; }

    /// <summary>The normalization trained with; null in runs written before it was recorded.</summary>
    [JsonPropertyName("normalization")]
    public NormalizationRecord? Normalization { get; init; }

    /// <summary>Versions of MixupSharp, TorchSharp and .NET.</summary>
    [JsonPropertyName("versions")]
    public IReadOnlyDictionary<string, string>? Versions { get; init; }

    /// <summary>The values the run's recipe sets that it overrides (absent without a recipe or overrides).</summary>
    [JsonPropertyName("recipe_overrides")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RecipeOverride>? RecipeOverrides { get; init; }

    /// <summary>The torch thread count of the sitting that wrote the file.</summary>
    [JsonPropertyName("threads")]
    public int Threads { get; init; }
}
