using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MixupSharp.Training.Runs;

/// <summary>
/// config.json's two layouts. Since 0.2.0: the options under train's flag names (<see cref="ConfigKeys"/>) at the top,
/// so <c>./mixup train --config runs/x/config.json</c> takes the file as it is, with <c>version</c> and <c>commit</c>
/// first and what the run found under <c>derived</c>. Before: the options under their property names in an
/// <c>options</c> block beside the rest; such files are still read, unchanged.
/// </summary>
public sealed partial record RunConfig
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The keys of a config.json that are not options.</summary>
    public static IReadOnlyCollection<string> NonOptionKeys { get; } = new[] { "version", "commit", "derived" };

    /// <summary>This configuration as config.json's current layout.</summary>
    public string ToJson()
    {
        var root = new JsonObject
        {
            ["version"] = BuildInfo.Version,
            ["commit"] = BuildInfo.Commit,
        };
        foreach (var (key, value) in ConfigKeys.Write(Options))
        {
            root[key] = value?.DeepClone();
        }

        var derived = JsonSerializer.SerializeToNode(this)!.AsObject();
        derived.Remove("options");
        root["derived"] = derived;
        return root.ToJsonString(Indented);
    }

    /// <summary>A config.json in either layout.</summary>
    /// <exception cref="JsonException">Not JSON, or not a config.json.</exception>
    /// <exception cref="Options.InvalidOptionException">An option key that does not exist (named, with the nearest).</exception>
    public static RunConfig Parse(string json)
    {
        var root = JsonNode.Parse(json)?.AsObject() ?? throw new JsonException("the file holds null");
        if (root.ContainsKey("options"))
        {
            return root.Deserialize<RunConfig>() ?? throw new JsonException("the file holds null");
        }

        if (root["derived"] is not JsonObject derived)
        {
            throw new JsonException("it has neither a \"derived\" block (a run's config.json since 0.2.0) nor an \"options\" block (before)");
        }

        var options = ConfigKeys.Read(root, NonOptionKeys);
        var rest = derived.DeepClone().AsObject();
        rest["options"] = JsonSerializer.SerializeToNode(options);
        return rest.Deserialize<RunConfig>() ?? throw new JsonException("the file holds null");
    }

    /// <summary>Whether <paramref name="root"/> is a config.json a run wrote (either layout), rather than options a person wrote.</summary>
    public static bool IsRunConfig(JsonObject root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return root.ContainsKey("options") || root.ContainsKey("derived");
    }
}
