using System;
using System.IO;
using System.Text.Json.Nodes;
using MixupSharp.Tests.Data;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Options;
using MixupSharp.Tests.Support;
using Xunit;

namespace MixupSharp.Tests.Training;

/// <summary>--recipe: a named setting backed by our evidence, recorded in config.json, overridden by explicit flags wherever they stand.</summary>
public sealed class RecipeTests
{
    private static TrainingOptions Parse(params string[] args)
    {
        var options = new TrainingOptions();
        MixupSharp.Cli.TrainCommand.ParseLayers(MixupSharp.Cli.TrainCommand.Options(() => options, o => options = o, _ => { }), args);
        options.Validate();
        return options;
    }

    [Fact]
    public void ARecipeSetsItsOptionsAndRecordsItsName()
    {
        var o = Parse("--recipe", "noisy-labels", "--epochs", "3");
        Assert.Equal(KnownMethods.Mixup, o.Method);
        Assert.Equal(8, o.Alpha);
        Assert.Equal("noisy-labels", o.Recipe);
        Assert.Equal(3, o.Epochs);
    }

    [Fact]
    public void ExplicitFlagsOverrideTheRecipeBeforeOrAfterIt()
    {
        Assert.Equal(2, Parse("--alpha", "2", "--recipe", "noisy-labels").Alpha);
        Assert.Equal(2, Parse("--recipe", "noisy-labels", "--alpha", "2").Alpha);
    }

    [Fact]
    public void TheLittleDataRecipeIsTheStudysWinnerWithItsBudget()
    {
        var o = Parse("--recipe", "little-data");
        Assert.Equal(KnownMethods.CutMix, o.Method);
        Assert.Equal(0.5, o.Alpha);
        Assert.Equal(200, o.Epochs);
    }

    [Fact]
    public void AnUnknownRecipeIsAOneLineUsageError()
    {
        var r = CliRunner.Run("train", "--recipe", "magic");
        Assert.Equal(2, r.Code);
        Assert.Equal("error: --recipe must be one of noisy-labels, little-data; got 'magic'.", r.Err.Trim());
    }
}

/// <summary>A recipe runs from the CLI end to end: it says what it set and why, and config.json records it.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class RecipeRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-recipe-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TrainWithARecipeNamesItsEvidenceAndRecordsItInTheConfig()
    {
        string data = Path.Combine(_dir, "data");
        DataFiles.WriteCifar10(data, perBatch: 8, testCount: 8);
        string run = Path.Combine(_dir, "run");
        var r = CliRunner.Run("train", "--recipe", "little-data", "--dataset", "cifar10", "--data-dir", data, "--model", "fast-resnet", "--batch-size", "8", "--epochs", "1", "--threads", "1", "--out", run);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("recipe little-data: CutMix with α = 0.5 for 200 epochs. Overridden here: epochs 1 (recipe: 200). Evidence: docs/RESULTS.md", r.Out);

        var options = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "config.json")))!["options"]!;
        Assert.Equal("little-data", (string?)options["Recipe"]);
        Assert.Equal("cutmix", (string?)options["Method"]);
        Assert.Equal(0.5, (double)options["Alpha"]!);
        Assert.Equal(1, (int)options["Epochs"]!);   // the explicit flag overrides the recipe's 200
    }
}
