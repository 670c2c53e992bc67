using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using MixupSharp.Training.Runs;
using Xunit;

namespace MixupSharp.Tests.Reliability;

/// <summary>Reliability, second pass: recipes never beat explicit values (item 4), options that would do nothing (26), stored paths (23).</summary>
[Collection(TorchGlobalState.Name)]
public sealed class R2OptionTests : IDisposable
{
    private readonly TinyCifar _cifar = new("mixupsharp-r2-options-");

    public void Dispose() => _cifar.Dispose();

    private string[] Train(string outDir, params string[] more) => _cifar.Train(outDir, more);

    [Fact]
    public void R2_Item4_TwoRecipesAreAnError()
    {
        string run = Path.Combine(_cifar.Dir, "two");
        CliAssert.UsageError(CliRunner.Run(Train(run, "--epochs", "1", "--recipe", "noisy-labels", "--alpha", "2", "--recipe", "little-data")), "--recipe is given twice (noisy-labels, little-data)");
        Assert.False(Directory.Exists(run) && Directory.EnumerateFileSystemEntries(run).Any());
    }

    [Fact]
    public void R2_Item4_ExplicitFlagsWinWhereverTheyStandAndTheRunSaysWhatItOverrode()
    {
        string run = Path.Combine(_cifar.Dir, "overridden");
        var result = CliRunner.Run(Train(run, "--epochs", "1", "--recipe", "little-data", "--alpha", "2"));
        Assert.True(result.Code == 0, result.Err);
        Assert.Contains("recipe little-data: CutMix with α = 0.5 for 200 epochs. Overridden here: alpha 2 (recipe: 0.5), epochs 1 (recipe: 200).", result.Out);
        var config = new RunFolder(run).ReadConfig();
        Assert.Equal(1, config.Options.Epochs);
        Assert.Equal(2, config.Options.Alpha);
        Assert.Equal("cutmix", config.Options.Method.Name);
        Assert.Equal(new[] { "alpha", "epochs" }, config.RecipeOverrides!.Select(o => o.Option));
        Assert.Equal("200", config.RecipeOverrides!.Single(o => o.Option == "epochs").RecipeValue);
    }

    [Fact]
    public void R2_Item4_AVariantsRecipeDoesNotOverrideSharedOptionsOrCommandLineFlags()
    {
        string grid = Path.Combine(_cifar.Dir, "grid.json");
        File.WriteAllText(grid, """{"seeds": [1], "shared": {"batch-size": 16}, "variants": [{"name": "erm", "method": "erm"}, {"name": "little", "recipe": "little-data"}, {"name": "little-a2", "recipe": "little-data", "alpha": 2}]}""");
        string outDir = Path.Combine(_cifar.Dir, "cmp");
        var result = CliRunner.Run("compare", "--variants", grid, "--out", outDir, "--dataset", "cifar10", "--data-dir", _cifar.Data, "--model", "fast-resnet", "--epochs", "1", "--threads", "1");
        Assert.True(result.Code == 0, result.Err + result.Out);
        foreach (string variant in new[] { "erm", "little", "little-a2" })
        {
            var config = new RunFolder(Path.Combine(outDir, variant, "s1")).ReadConfig();
            Assert.Equal(1, config.Options.Epochs);   // the command line's --epochs, not the recipe's 200
            Assert.Equal(16, config.Options.BatchSize);
        }

        Assert.Equal(0.5, new RunFolder(Path.Combine(outDir, "little", "s1")).ReadConfig().Options.Alpha);
        Assert.Equal(2, new RunFolder(Path.Combine(outDir, "little-a2", "s1")).ReadConfig().Options.Alpha);

        File.WriteAllText(grid, """{"shared": {"recipe": "noisy-labels"}, "variants": [{"name": "x", "recipe": "little-data"}]}""");
        CliAssert.UsageError(CliRunner.Run("compare", "--variants", grid, "--out", Path.Combine(_cifar.Dir, "cmp2")), "variant 'x': --recipe is given twice (noisy-labels, little-data)");
    }

    [Theory]
    [InlineData("--ra-ops", "2", "--ra-ops applies to --policy randaugment; got --policy none.")]
    [InlineData("--ra-magnitude", "9", "--ra-magnitude applies to --policy randaugment; got --policy none.")]
    [InlineData("--aa-policy", "imagenet", "--aa-policy applies to --policy autoaugment; got --policy none.")]
    [InlineData("--augmix-width", "3", "--augmix-width applies to --policy augmix or --jsd-views augmix; got --policy none.")]
    [InlineData("--jsd-views", "mask-distort-mix", "--jsd-views needs --jsd-weight > 0")]
    [InlineData("--validation-seed", "0", "--validation-seed needs --validation N")]
    public void R2_Item26_AnOptionThatWouldDoNothingIsRefusedEvenAtItsDefault(string flag, string value, string expected)
    {
        CliAssert.UsageError(CliRunner.Run(Train(Path.Combine(_cifar.Dir, "dep"), "--epochs", "1", flag, value)), expected);
        string grid = Path.Combine(_cifar.Dir, "dep.json");
        File.WriteAllText(grid, $$"""[{"name": "a", "method": "erm", "{{flag[2..]}}": "{{value}}"}]""");
        CliAssert.UsageError(CliRunner.Run("compare", "--variants", grid, "--out", Path.Combine(_cifar.Dir, "dep-cmp")), $"variant 'a': {expected}");
    }

    [Fact]
    public void R2_Item26_ARunsOwnConfigFileWithEveryOptionStillResumes()
    {
        string run = Path.Combine(_cifar.Dir, "resumable");
        Assert.Equal(0, CliRunner.Run(Train(run, "--epochs", "1", "--policy", "randaugment", "--ra-ops", "1")).Code);
        var more = CliRunner.Run("train", "--resume", run, "--epochs", "2");
        Assert.True(more.Code == 0, more.Err);
    }

    [Fact]
    public void R2_Item23_ARelativeDataFolderIsStoredAbsoluteSoEvalAndResumeWorkFromAnywhere()
    {
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, _cifar.Data);
        Assert.False(Path.IsPathRooted(relative));
        string run = Path.Combine(_cifar.Dir, "relative");
        var result = CliRunner.Run("train", "--dataset", "cifar10", "--data-dir", relative, "--model", "fast-resnet", "--batch-size", "16", "--threads", "1", "--epochs", "1", "--out", run);
        Assert.True(result.Code == 0, result.Err);
        Assert.Equal(_cifar.Data, new RunFolder(run).ReadConfig().Options.DataDir);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.True(Path.IsPathRooted(json.RootElement.GetProperty("data-dir").GetString()));
    }

    [Theory]
    [InlineData("gridmix", "--grid-min", "7", "--grid-min must be ≤ --grid-max (6); got 7.")]
    [InlineData("resizemix", "--resize-min", "0.85", "--resize-min must be ≤ --resize-max (0.8); got 0.85.")]
    public void R2_Item20_OptionsThatDisagreeAreUsageErrorsNamingTheFlagsBeforeAnythingIsWritten(string method, string flag, string value, string expected)
    {
        string run = Path.Combine(_cifar.Dir, "cross-" + method);
        CliAssert.UsageError(CliRunner.Run(Train(run, "--epochs", "1", "--method", method, flag, value)), expected);
        Assert.False(File.Exists(Path.Combine(run, "config.json")));
    }

    [Fact]
    public void R2_Item20_RandAugmentWithNoOperationsTrains()
    {
        var result = CliRunner.Run(Train(Path.Combine(_cifar.Dir, "ra0"), "--epochs", "1", "--policy", "randaugment", "--ra-ops", "0"));
        Assert.True(result.Code == 0, result.Err);
    }

    [Fact]
    public void R2_Item20_OutputPathsSayWhatIsWrongWithThem()
    {
        string run = Path.Combine(_cifar.Dir, "paths");
        Assert.Equal(0, CliRunner.Run(Train(run, "--epochs", "1")).Code);
        CliAssert.UsageError(CliRunner.Run("export", "--run", run, "--out", Path.Combine(_cifar.Dir, "no", "such", "x.pt"), "--format", "pt"), $"the folder {Path.Combine(_cifar.Dir, "no", "such")} does not exist.");
        CliAssert.UsageError(CliRunner.Run("predict", "--run", run, "--json", _cifar.Dir, Path.Combine(_cifar.Data, "test_batch.bin")), $"--json {_cifar.Dir} is a folder; give the path of a file to write.");
        CliAssert.UsageError(CliRunner.Run("learning-curve", "--grid", _cifar.Dir, "--out", _cifar.Dir), "--out names the PNG");
    }
}
