using System;
using System.IO;
using System.Linq;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using MixupSharp.Training;
using MixupSharp.Training.Grids;
using MixupSharp.Training.Options;
using TorchSharp;
using Xunit;

namespace MixupSharp.Tests.Reliability;

/// <summary>Reliability, second pass: report files and names (item 18), a linear report (19), eval's files and bounds (22, 26).</summary>
[Collection(TorchGlobalState.Name)]
public sealed class R2ReportTests : IDisposable
{
    private readonly TinyCifar _cifar = new("mixupsharp-r2-report-");

    public void Dispose() => _cifar.Dispose();

    private (int Code, string Out, string Err) Compare(string variantsJson, params string[] more)
    {
        string grid = Path.Combine(_cifar.Dir, "grid.json");
        File.WriteAllText(grid, variantsJson);
        return CliRunner.Run(new[] { "compare", "--variants", grid, "--out", Path.Combine(_cifar.Dir, "cmp"), "--dataset", "cifar10", "--data-dir", _cifar.Data, "--model", "fast-resnet", "--batch-size", "16", "--epochs", "1", "--threads", "1", "--seeds", "1" }.Concat(more).ToArray());
    }

    [Theory]
    [InlineData("results.md")]
    [InlineData("runs.csv")]
    [InlineData("test-error.png")]
    public void R2_Item18_AVariantNamedLikeAReportFileIsRefusedBeforeTraining(string name)
    {
        CliAssert.UsageError(Compare($$"""[{"name": "erm", "method": "erm"}, {"name": "{{name}}", "method": "mixup"}]"""), $"variant '{name}' is named like a report file of the grid");
        Assert.False(Directory.Exists(Path.Combine(_cifar.Dir, "cmp", "erm")));
    }

    [Fact]
    public void R2_Item18_ANameTooLongForAFolderAndSelectByWithoutValidationAreRefusedBeforeTraining()
    {
        CliAssert.UsageError(Compare($$"""[{"name": "{{new string('x', 300)}}", "method": "erm"}]"""), "has a name of 300 bytes; a folder name takes at most 255");
        CliAssert.UsageError(Compare("""[{"name": "erm", "method": "erm"}, {"name": "a", "method": "mixup", "group": "g"}]""", "--select-by", "val_error"), "--select-by chooses on the validation set, but variant 'erm' holds none out");
        Assert.False(Directory.Exists(Path.Combine(_cifar.Dir, "cmp", "erm")));
    }

    [Fact]
    public void R2_Item18_PipesAndLineBreaksInVariantNamesDoNotBreakTheMarkdownTableAndReportsLeaveNoTemporaryFiles()
    {
        var result = Compare("""[{"name": "erm", "method": "erm"}, {"name": "a|b\nc", "method": "mixup"}]""");
        Assert.True(result.Code == 0, result.Err);
        string markdown = File.ReadAllText(Path.Combine(_cifar.Dir, "cmp", "results.md"));
        var rows = markdown.Split('\n').Where(l => l.StartsWith("| a", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.StartsWith("| a\\|b c | ", r));   // the summary table and the paired tables
        Assert.DoesNotContain(markdown.Split('\n'), l => l.StartsWith("c |", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_cifar.Dir, "cmp"), "*.tmp"));
    }

    [Fact]
    public void R2_Item18_LearningCurveRefusesTheSameGridTwice()
    {
        CliAssert.UsageError(CliRunner.Run("learning-curve", "--grid", _cifar.Dir, "--grid", _cifar.Dir + "/", "--out", Path.Combine(_cifar.Dir, "x.png")), $"--grid {_cifar.Dir} is given twice");
    }

    [Fact]
    public void R2_Item19_AReportReadsEachRunOnceWhateverTheNumberOfVariants()
    {
        foreach (int variants in new[] { 50, 2000 })
        {
            var perVariant = Enumerable.Range(0, variants).Select(i => ($"v{i}", new TrainingOptions { Dataset = TrainingDataset.Cifar10, Model = "fast-resnet" }, (System.Collections.Generic.IReadOnlyList<long>)new long[] { 1, 2 })).ToList();
            perVariant[0] = ("erm", perVariant[0].Item2, perVariant[0].Item3);
            string outDir = Path.Combine(_cifar.Dir, $"many{variants}");
            var comparison = new Comparison(outDir, Comparison.SeedMajor(outDir, perVariant));
            comparison.WriteReport();
            Assert.Equal(2 * variants, comparison.SummaryReads);   // before: once for the statistics and again for every paired metric
        }
    }

    [Fact]
    public void R2_Item22_EvalJsonNeverReplacesAFileWithoutOverwrite()
    {
        string run = Path.Combine(_cifar.Dir, "run");
        Assert.Equal(0, CliRunner.Run("train", "--dataset", "cifar10", "--data-dir", _cifar.Data, "--model", "fast-resnet", "--batch-size", "16", "--epochs", "1", "--threads", "1", "--out", run).Code);
        string json = Path.Combine(_cifar.Dir, "eval.json");
        File.WriteAllText(json, "mine");
        CliAssert.UsageError(CliRunner.Run("eval", "--run", run, "--json", json), $"--json {json} already exists; pass --overwrite to replace it.");
        Assert.Equal("mine", File.ReadAllText(json));
        Assert.Equal(0, CliRunner.Run("eval", "--run", run, "--json", json, "--overwrite").Code);
        Assert.StartsWith("{", File.ReadAllText(json));
    }

    [Fact]
    public void R2_Item26_ATemperatureAtTheSearchBoundSaysSo()
    {
        using var scope = torch.NewDisposeScope();
        // Right on every sample but almost uniform: the NLL keeps falling as T shrinks, past the bound.
        var labels = torch.tensor(new long[] { 0, 1, 2, 0, 1, 2 });
        var logits = torch.nn.functional.one_hot(labels, 3).to_type(torch.ScalarType.Float32) * 1e-4f;
        double t = TemperatureScaling.Fit(logits, labels);
        Assert.Equal(TemperatureScaling.MinTemperature, t, 6);
        Assert.Contains("lower bound 0.01", TemperatureScaling.BoundNote(t));
        Assert.Null(TemperatureScaling.BoundNote(1.5));
    }
}
