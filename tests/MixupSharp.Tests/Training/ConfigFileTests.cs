using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using MixupSharp.Cli;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Options;
using MixupSharp.Training.Runs;
using Xunit;

namespace MixupSharp.Tests.Training;

/// <summary>
/// <c>train --config</c> and config.json's keys: train's flag names, the same in config files, variants files and the
/// config.json a run writes, which reproduces the run.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class ConfigFileTests : IDisposable
{
    // metrics.csv's columns that measure the machine rather than the run.
    private static readonly string[] TimingColumns = { "images_per_second", "epoch_seconds", "peak_memory_mb" };

    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-config-").FullName;
    private readonly string _data;

    public ConfigFileTests()
    {
        _data = Path.Combine(_dir, "data");
        DataFiles.WriteCifar10(_data, perBatch: 8, testCount: 12);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ARunsConfigJsonReproducesItsMetricsByteForByte()
    {
        string x = Path.Combine(_dir, "x"), y = Path.Combine(_dir, "y");
        var first = CliRunner.Run("train", "--dataset", "cifar10", "--data-dir", _data, "--model", "fast-resnet", "--method", "cutmix", "--alpha", "0.5",
            "--batch-size", "16", "--epochs", "2", "--lr", "0.03", "--validation", "10", "--threads", "1", "--out", x);
        Assert.True(first.Code == 0, first.Err);

        var again = CliRunner.Run("train", "--config", Path.Combine(x, "config.json"), "--out", y);
        Assert.True(again.Code == 0, again.Err);
        Assert.Contains($"method cutmix ({Path.Combine(x, "config.json")})", again.Out);   // where each value came from
        Assert.Contains("alpha 0.5 (", again.Out);

        var a = Table(Path.Combine(x, "metrics.csv"));
        var b = Table(Path.Combine(y, "metrics.csv"));
        Assert.Equal(a.Header, b.Header);
        Assert.Equal(3, a.Rows.Length);   // header + 2 epochs
        for (int c = 0; c < a.Header.Length; c++)
        {
            if (!TimingColumns.Contains(a.Header[c]))
            {
                Assert.Equal(a.Rows.Select(r => r[c]), b.Rows.Select(r => r[c]));
            }
        }

        var configX = RunConfig.Parse(File.ReadAllText(Path.Combine(x, "config.json")));
        var configY = RunConfig.Parse(File.ReadAllText(Path.Combine(y, "config.json")));
        Assert.Equal(configX.ConfigHash, configY.ConfigHash);
    }

    [Fact]
    public void ConfigJsonHoldsTrainsFlagNamesTheVersionAndTheDerivedValues()
    {
        string run = Path.Combine(_dir, "run");
        var r = CliRunner.Run("train", "--dataset", "cifar10", "--data-dir", _data, "--model", "fast-resnet", "--method", "fmix", "--decay-power", "2",
            "--no-standard-aug", "--milestones", "1,2", "--schedule", "multistep", "--batch-size", "16", "--epochs", "1", "--threads", "1", "--out", run);
        Assert.True(r.Code == 0, r.Err);
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "config.json")))!.AsObject();
        Assert.False(root.ContainsKey("options"));
        Assert.Equal("0.2.0", (string?)root["version"]);
        Assert.Matches("^([0-9a-f]{12}|unknown)$", (string?)root["commit"]);
        Assert.Equal(16, (int)root["batch-size"]!);
        Assert.Equal(2.0, (double)root["decay-power"]!);                 // a method's own option is a key of its own
        Assert.True((bool)root["no-standard-aug"]!);
        Assert.Equal("[1,2]", root["milestones"]!.ToJsonString());
        Assert.Equal(16, root["derived"]!["config_hash"]!.GetValue<string>().Length);
        Assert.Equal(10, root["derived"]!["classes"]!.AsArray().Count);

        // Every key is one of train's flags (or a method's), so the file is a valid --config.
        var flags = TrainCommand.Table().Options.Select(o => o.Flag[2..]).ToHashSet();
        Assert.All(root.Select(p => p.Key).Except(RunConfig.NonOptionKeys), key => Assert.Contains(key, flags));
        Assert.Equal(ConfigFingerprint.Of(new RunFolder(run).ReadOptions()), root["derived"]!["config_hash"]!.GetValue<string>());
    }

    [Fact]
    public void AYamlFileIsALayerUnderTheCommandLineAndEachValueSaysWhereItCameFrom()
    {
        string yaml = Path.Combine(_dir, "run.yaml");
        File.WriteAllText(yaml, $"""
            # a person's config file: train's flags without the dashes
            dataset: cifar10
            data-dir: {_data}
            model: fast-resnet
            method: mixup
            alpha: 0.4
            epochs: 3
            batch-size: 16
            threads: 1
            milestones: [1, 2]
            schedule: multistep
            """);
        string run = Path.Combine(_dir, "yaml-run");
        var r = CliRunner.Run("train", "--config", yaml, "--epochs", "1", "--out", run);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains($"alpha 0.4 ({yaml})", r.Out);
        Assert.Contains("epochs 1 (command line)", r.Out);
        var options = new RunFolder(run).ReadOptions();
        Assert.Equal((1, 0.4, "mixup"), (options.Epochs, options.Alpha, options.Method.Name));
        Assert.Equal(new[] { 1, 2 }, options.Milestones);

        string json = Path.Combine(_dir, "run.json");
        File.WriteAllText(json, $$"""{"dataset": "cifar10", "data-dir": "{{_data}}", "model": "fast-resnet", "epochs": 1, "batch-size": 16, "threads": 1, "nesterov": true}""");
        var j = CliRunner.Run("train", "--config", json, "--out", Path.Combine(_dir, "json-run"));
        Assert.True(j.Code == 0, j.Err);
        Assert.True(new RunFolder(Path.Combine(_dir, "json-run")).ReadOptions().Nesterov);
    }

    [Fact]
    public void BadConfigFilesAreOneLineErrorsNamingTheKeyTheFileAndTheNearestOption()
    {
        string json = Path.Combine(_dir, "typo.json");
        File.WriteAllText(json, """{"batchsize": 16}""");
        var r = CliRunner.Run("train", "--config", json, "--out", Path.Combine(_dir, "never"));
        Assert.Equal(2, r.Code);
        Assert.Equal($"error: --config {json}: unknown key 'batchsize'; the nearest train option is 'batch-size'.", r.Err.Trim());

        // A person's file is checked as typed flags are: a policy option without its policy does nothing, so it is refused.
        string policy = Path.Combine(_dir, "policy.json");
        File.WriteAllText(policy, """{"ra-ops": 3}""");
        var p = CliRunner.Run("train", "--config", policy, "--out", Path.Combine(_dir, "never"));
        Assert.Equal(2, p.Code);
        Assert.Contains("--ra-ops applies to --policy randaugment", p.Err);

        Assert.Contains("no such file", CliRunner.Run("train", "--config", Path.Combine(_dir, "none.json")).Err);
        string yaml = Path.Combine(_dir, "list.yaml");
        File.WriteAllText(yaml, "- epochs\n- 3\n");
        Assert.Contains("expected a YAML mapping of train options", CliRunner.Run("train", "--config", yaml).Err);
        string variants = Path.Combine(_dir, "variants.json");
        File.WriteAllText(variants, """[{"name": "erm", "method": "erm"}]""");
        var compare = CliRunner.Run("compare", "--variants", variants, "--seeds", "1", "--out", Path.Combine(_dir, "grid"), "--config", json);   // compare's options come from its variants file
        Assert.Equal(2, compare.Code);
        Assert.Contains("'--config'", compare.Err);
    }

    [Fact]
    public void TheKeysRoundTripEveryOptionAndAMethodsOwn()
    {
        var deit = Recipes.Parse("deit").Apply(new TrainingOptions { Model = "deit-tiny", BatchSize = 32 }) with { Recipe = "deit" };
        foreach (var options in new[]
        {
            new TrainingOptions(),
            deit,
            new TrainingOptions { Method = KnownMethods.Find("fmix")!, StandardAugmentation = false, Milestones = new[] { 3, 7 }, AdamBeta1 = 0.8, AdamBeta2 = 0.95, ClipGrad = 1.5, TrainSubset = 100, ImageSize = 64, Dataset = TrainingDataset.Folder },
        })
        {
            var back = ConfigKeys.Read(ConfigKeys.Write(options));
            Assert.Equal(JsonSerializer.Serialize(options), JsonSerializer.Serialize(back));
            Assert.Equal(ConfigFingerprint.Of(options), ConfigFingerprint.Of(back));
        }

        // Every train flag that sets an option has a key, so no option can go missing from a run's config.json.
        var methodKeys = KnownMethods.All.SelectMany(m => m.Options).Select(o => o.Name);
        var flags = TrainCommand.Table().Options.Select(o => o.Flag[2..]).Except(new[] { "config", "resume", "overwrite" });
        Assert.Empty(flags.Except(ConfigKeys.Keys).Except(methodKeys));

        var e = Assert.Throws<InvalidOptionException>(() => ConfigKeys.Read(new JsonObject { ["learning-rate"] = 0.1 }));
        Assert.Contains("the nearest is", e.Requirement);
    }

    private static (string[] Header, string[][] Rows) Table(string csv)
    {
        var lines = File.ReadAllLines(csv);
        return (lines[0].Split(','), lines.Select(l => l.Split(',')).ToArray());
    }
}
