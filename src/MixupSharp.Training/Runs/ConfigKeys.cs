using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Options;

namespace MixupSharp.Training.Runs;

/// <summary>
/// The options as train's flag names without the dashes (<c>batch-size</c>, <c>lr</c>, <c>no-standard-aug</c>): the keys
/// of config files, variants files and the config.json a run writes. Values are JSON as the flags take them (enums by
/// name, <c>milestones</c> an array, <c>opt-betas</c> "B1,B2"); a method's own options are keys of their own.
/// </summary>
public static class ConfigKeys
{
    // Each key and the TrainingOptions property it sets, in the order of train's option table.
    private static readonly (string Key, string Property)[] Map =
    {
        ("recipe", "Recipe"), ("dataset", "Dataset"), ("train-list", "TrainList"), ("test-list", "TestList"), ("image-size", "ImageSize"),
        ("channels", "Channels"), ("workers", "Workers"), ("train-crop", "TrainCrop"), ("cache", "Cache"), ("cache-gb", "CacheGb"),
        ("crop-pct", "CropFraction"), ("data-dir", "DataDir"), ("model", "Model"), ("drop-path", "DropPath"), ("method", "Method"),
        ("alpha", "Alpha"), ("prob", "Probability"), ("switch-prob", "SwitchProbability"), ("label-smoothing", "LabelSmoothing"),
        ("blend", "Blend"), ("insertion", "Insertion"), ("jsd-weight", "JsdWeight"), ("jsd-views", "JsdViews"), ("policy", "Policy"),
        ("ra-ops", "RaOps"), ("ra-magnitude", "RaMagnitude"), ("ra-mstd", "RaMagnitudeStd"), ("aa-policy", "AaPolicy"),
        ("augmix-severity", "AugmixSeverity"), ("augmix-width", "AugmixWidth"), ("reprob", "ReProb"), ("remode", "ReMode"),
        ("recount", "ReCount"), ("mixup-off-epoch", "MixupOffEpoch"), ("no-standard-aug", "StandardAugmentation"), ("epochs", "Epochs"),
        ("batch-size", "BatchSize"), ("lr", "LearningRate"), ("lr-base", "LearningRateBase"), ("lr-base-size", "LearningRateBaseSize"),
        ("momentum", "Momentum"), ("nesterov", "Nesterov"), ("weight-decay", "WeightDecay"), ("optimizer", "Optimizer"),
        ("opt-betas", "AdamBeta1"), ("opt-eps", "OptimizerEps"), ("no-decay-norm-bias", "NoDecayNormBias"), ("model-ema", "ModelEma"),
        ("clip-grad", "ClipGrad"), ("schedule", "Schedule"), ("milestones", "Milestones"), ("step-size", "StepSize"), ("gamma", "Gamma"),
        ("warmup-epochs", "WarmupEpochs"), ("warmup-lr", "WarmupLearningRate"), ("min-lr", "MinLearningRate"),
        ("train-subset", "TrainSubset"), ("label-noise", "LabelNoise"), ("seed", "Seed"), ("validation", "Validation"),
        ("validation-seed", "ValidationSeed"), ("early-stop", "EarlyStop"), ("train-error-every", "TrainErrorEvery"),
        ("test-every", "TestEvery"), ("threads", "Threads"), ("device", "Device"), ("out", "OutDir"), ("init-from", "InitFrom"),
        ("skip-corrupt", "SkipCorrupt"), ("max-image-megapixels", "MaxImageMegapixels"),
    };

    /// <summary>Every key of the options (without the methods' own), in the option table's order.</summary>
    public static IReadOnlyList<string> Keys { get; } = Map.Select(m => m.Key).ToArray();

    /// <summary>The options as flag-named keys: every option, defaults included, then the method's own options that are set.</summary>
    public static JsonObject Write(TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var pascal = JsonSerializer.SerializeToNode(options)!.AsObject();
        var keys = new JsonObject();
        foreach (var (key, property) in Map)
        {
            keys[key] = key switch
            {
                "no-standard-aug" => !options.StandardAugmentation,
                "opt-betas" => string.Create(CultureInfo.InvariantCulture, $"{options.AdamBeta1:R},{options.AdamBeta2:R}"),
                _ => pascal[property]?.DeepClone(),
            };
        }

        foreach (var (name, value) in options.Settings ?? new Dictionary<string, JsonElement>())
        {
            keys[name] = JsonNode.Parse(value.GetRawText());
        }

        return keys;
    }

    /// <summary>
    /// The options of flag-named <paramref name="keys"/> (an absent key has its default); <paramref name="ignore"/> names
    /// keys that are not options (a config.json's version block).
    /// </summary>
    /// <exception cref="InvalidOptionException">A key that is no option, named with the nearest one.</exception>
    public static TrainingOptions Read(JsonObject keys, IEnumerable<string>? ignore = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var properties = Map.ToDictionary(m => m.Key, m => m.Property);
        var methodOptions = KnownMethods.All.SelectMany(m => m.Options).Select(o => o.Name).ToHashSet();
        var pascal = new JsonObject();
        var settings = new JsonObject();
        foreach (var (key, value) in keys)
        {
            if (ignore?.Contains(key) == true)
            {
                continue;
            }

            if (key == "no-standard-aug")
            {
                pascal["StandardAugmentation"] = !(value?.GetValue<bool>() ?? false);
            }
            else if (key == "opt-betas")
            {
                var parts = (value?.GetValue<string>() ?? "0.9,0.999").Split(',');
                pascal["AdamBeta1"] = double.Parse(parts[0], CultureInfo.InvariantCulture);
                pascal["AdamBeta2"] = double.Parse(parts[^1], CultureInfo.InvariantCulture);
            }
            else if (properties.TryGetValue(key, out var property))
            {
                pascal[property] = value?.DeepClone();
            }
            else if (methodOptions.Contains(key))
            {
                settings[key] = value?.DeepClone();
            }
            else
            {
                throw new InvalidOptionException(key, $"is not an option; the nearest is '{Nearest(key, Keys.Concat(methodOptions))}'.");
            }
        }

        if (settings.Count > 0)
        {
            pascal["Settings"] = settings;
        }

        return pascal.Deserialize<TrainingOptions>() ?? throw new JsonException("the options are null");
    }

    /// <summary>The known name closest to <paramref name="name"/> (edit distance), for "did you mean".</summary>
    public static string Nearest(string name, IEnumerable<string> known) =>
        known.OrderBy(k => Distance(name, k)).ThenBy(k => k, StringComparer.Ordinal).First();

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
        }

        return d[a.Length, b.Length];
    }
}
