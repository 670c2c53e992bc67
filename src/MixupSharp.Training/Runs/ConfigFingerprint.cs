using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MixupSharp.Training.Options;

namespace MixupSharp.Training.Runs;

/// <summary>
/// The configuration hash of a run: a stable fingerprint of everything that shapes its result (not the folder, the
/// data's location, the thread count or the number of epochs), recorded in config.json, summary.json and the checkpoint.
/// </summary>
/// <remarks>
/// The rule that keeps hashes stable as options are added: the options that existed when the first runs were recorded
/// (<see cref="OriginalKeys"/>) are always hashed, in their JSON form; any option added since, and any method option
/// in <see cref="TrainingOptions.Settings"/>, is hashed only when it differs from its default. So a new option with a
/// default leaves every earlier hash unchanged, and compare keeps recognizing finished runs.
/// </remarks>
public static class ConfigFingerprint
{
    /// <summary>The options of the first recorded runs, in their order.</summary>
    public static readonly string[] OriginalKeys =
    {
        "Dataset", "DataDir", "Model", "Method", "Alpha", "Probability", "SwitchProbability", "LabelSmoothing", "Blend", "Insertion", "JsdWeight",
        "MixupOffEpoch", "StandardAugmentation", "Epochs", "BatchSize", "LearningRate", "Momentum", "Nesterov", "WeightDecay", "Schedule", "StepSize",
        "Milestones", "Gamma", "WarmupEpochs", "TrainSubset", "LabelNoise", "Seed", "Threads", "Device", "OutDir",
    };

    /// <summary>The 16-hex-digit hash of <paramref name="options"/>.</summary>
    public static string Of(TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // The learning rate as the run uses it (--lr-base scaled by the batch), so the hash compare computes before a
        // run equals the one the trainer records.
        options = options.WithScaledLearningRate();
        var node = Shaping(options);
        var defaults = Shaping(new TrainingOptions());
        foreach (var key in node.Select(p => p.Key).Where(k => Array.IndexOf(OriginalKeys, k) < 0).ToList())
        {
            if (key == nameof(TrainingOptions.Settings))
            {
                var changed = new JsonObject();
                foreach (var option in options.Method.Options)
                {
                    if (options.Settings is not null && options.Settings.TryGetValue(option.Name, out var value) && value.GetRawText() != option.DefaultValue.GetRawText())
                    {
                        changed[option.Name] = JsonNode.Parse(value.GetRawText());
                    }
                }

                if (changed.Count == 0)
                {
                    node.Remove(key);
                }
                else
                {
                    node[key] = changed;
                }
            }
            else if (JsonNode.DeepEquals(node[key], defaults[key]))
            {
                node.Remove(key);
            }
        }

        byte[] json = Encoding.UTF8.GetBytes(node.ToJsonString());
        return Convert.ToHexString(SHA256.HashData(json)).ToLowerInvariant()[..16];
    }

    /// <summary>
    /// The options a resumed run trains with: the run's own, in the folder it is in, with only what does not shape the
    /// result taken from the new command (the number of epochs, to extend, and the thread count).
    /// </summary>
    public static TrainingOptions ForResume(TrainingOptions recorded, string runDir, int? epochs, int? threads)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        return recorded with { OutDir = runDir, Epochs = epochs ?? recorded.Epochs, Threads = threads ?? recorded.Threads };
    }

    /// <summary>What is hashed: the options without those that do not shape the result (see <see cref="ForResume"/>; the data's location too).</summary>
    /// <remarks>
    /// The schedule is hashed as the number the first runs recorded (config.json now names it), so their hashes stand.
    /// </remarks>
    private static JsonObject Shaping(TrainingOptions options)
    {
        var node = JsonSerializer.SerializeToNode(options with { OutDir = string.Empty, Threads = 0, Epochs = 0, DataDir = null })!.AsObject();
        node[nameof(TrainingOptions.Schedule)] = (int)options.Schedule;
        return node;
    }
}
