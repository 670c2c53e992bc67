using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using MixupSharp.Training.Options;
using MixupSharp.Training.Runs;
using YamlDotNet.RepresentationModel;

namespace MixupSharp.Cli;

/// <summary>
/// <c>train --config FILE</c>: a JSON or YAML object whose keys are train's flags without the dashes (as in variants
/// files), or a run's config.json (either layout), which gives its options whole.
/// </summary>
/// <param name="Path">The file.</param>
/// <param name="Run">The run's configuration, when the file is a run's config.json; else null.</param>
/// <param name="Flags">A person's file as train flags (empty for a run's config.json).</param>
/// <param name="Keys">The option keys the file sets.</param>
public sealed record ConfigFile(string Path, RunConfig? Run, IReadOnlyList<string> Flags, IReadOnlyCollection<string> Keys)
{
    /// <summary>Reads <paramref name="path"/>; a key that is no train option is a usage error naming it, the file and the nearest option.</summary>
    public static ConfigFile Load(string path, OptionTable train)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"--config {path}: no such file.");
        }

        JsonObject root;
        string text = File.ReadAllText(path);
        try
        {
            root = path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
                ? FromYaml(text, path)
                : JsonNode.Parse(text) as JsonObject ?? throw new UsageException($"--config {path}: expected a JSON object of train options; got {text.TrimStart().FirstOrDefault()}...");
        }
        catch (JsonException e)
        {
            throw new UsageException($"--config {path}: not valid JSON ({e.Message.Split('\n')[0]})");
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new UsageException($"--config {path}: not valid YAML ({e.Message.Split('\n')[0]})");
        }

        if (RunConfig.IsRunConfig(root))
        {
            try
            {
                var run = RunConfig.Parse(text);
                var keys = root.ContainsKey("options") ? ConfigKeys.Keys.ToArray() : root.Select(p => p.Key).Except(RunConfig.NonOptionKeys).ToArray();
                return new ConfigFile(path, run, Array.Empty<string>(), keys);
            }
            catch (InvalidOptionException e)
            {
                throw Unknown(path, e.Option, train);
            }
        }

        var flags = new List<string>();
        foreach (var (key, value) in root)
        {
            string flag = "--" + key;
            var option = train.Options.FirstOrDefault(o => o.Flag == flag) ?? throw Unknown(path, key, train);
            if (key is "config" or "resume")
            {
                throw new UsageException($"--config {path}: '{key}' cannot be set in a config file.");
            }

            if (option.IsSwitch)
            {
                if (value is JsonValue v && (v.TryGetValue(out bool on) ? on : v.TryGetValue(out string? s) && s == "true"))
                {
                    flags.Add(flag);
                }

                continue;
            }

            if (value is null)
            {
                continue;   // null is the default
            }

            flags.Add(flag);
            flags.Add(value switch
            {
                JsonArray array => string.Join(',', array.Select(Scalar)),
                _ => Scalar(value),
            });
        }

        return new ConfigFile(path, null, flags, root.Select(p => p.Key).ToArray());
    }

    private static string Scalar(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonValue v when v.TryGetValue(out double d) => d.ToString("R", CultureInfo.InvariantCulture),
        null => string.Empty,
        _ => node.ToJsonString(),
    };

    private static UsageException Unknown(string path, string key, OptionTable train) =>
        new($"--config {path}: unknown key '{key}'; the nearest train option is '{ConfigKeys.Nearest(key, train.Options.Select(o => o.Flag[2..]))}'.");

    // A YAML mapping of scalars and sequences, as the JSON object it stands for (scalars as strings: flags are text).
    private static JsonObject FromYaml(string text, string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
        {
            throw new UsageException($"--config {path}: expected a YAML mapping of train options.");
        }

        var root = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            root[((YamlScalarNode)key).Value!] = value switch
            {
                YamlScalarNode scalar => scalar.Value is null or "~" or "null" ? null : JsonValue.Create(scalar.Value),
                YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(c => (JsonNode?)JsonValue.Create(((YamlScalarNode)c).Value)).ToArray()),
                _ => throw new UsageException($"--config {path}: '{key}' must be a value or a list."),
            };
        }

        return root;
    }
}
