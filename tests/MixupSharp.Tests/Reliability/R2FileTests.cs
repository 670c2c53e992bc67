using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using MixupSharp.Training.Interop;
using MixupSharp.Training.Models;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Reliability;

/// <summary>Reliability, second pass: weights that are not weights (item 5), files that are never overwritten (22).</summary>
[Collection(TorchGlobalState.Name)]
public sealed class R2FileTests : IDisposable
{
    private readonly TinyCifar _cifar = new("mixupsharp-r2-files-");

    public void Dispose() => _cifar.Dispose();

    private string[] Train(string outDir, params string[] more) => _cifar.Train(outDir, new[] { "--epochs", "1" }.Concat(more).ToArray());

    /// <summary>A fast-resnet state dict with one tensor replaced by <paramref name="change"/> of it, saved as a .pt file.</summary>
    private string StateDictWith(string name, string tensorName, Func<Tensor, Tensor> change)
    {
        using var scope = torch.NewDisposeScope();
        using var model = ModelFactory.Create("fast-resnet", 3, 32, 10);
        var state = ModelExport.StateDict(model);
        state[tensorName] = change(state[tensorName]);
        string path = Path.Combine(_cifar.Dir, name + ".pt");
        PyTorchPickler.PickleStateDict(path, state);
        return path;
    }

    [Theory]
    [InlineData("int64", "stage1.0.conv1.weight", "'stage1.0.conv1.weight' is int64 in the file, but the model's is float32; weights must be floating point")]
    [InlineData("bool", "stage1.0.conv1.weight", "'stage1.0.conv1.weight' is bool in the file, but the model's is float32")]
    [InlineData("complex", "stage1.0.conv1.weight", "'stage1.0.conv1.weight' is complex64 in the file")]
    [InlineData("nan", "stage1.0.bn1.weight", "'stage1.0.bn1.weight' holds NaN or infinite values")]
    [InlineData("inf", "stage1.0.bn1.running_var", "'stage1.0.bn1.running_var' holds NaN or infinite values")]
    public void R2_Item5_InitFromRefusesTensorsThatAreNotFiniteFloatingWeightsNamingThem(string kind, string tensor, string expected)
    {
        string file = StateDictWith(kind, tensor, t => kind switch
        {
            "int64" => t.to_type(ScalarType.Int64),
            "bool" => t > 0,
            "complex" => torch.complex(t, t),
            "nan" => t.index_fill(0, torch.tensor(new long[] { 0 }), double.NaN),
            _ => t.index_fill(0, torch.tensor(new long[] { 0 }), double.PositiveInfinity),
        });
        string run = Path.Combine(_cifar.Dir, "run-" + kind);
        var result = CliRunner.Run(Train(run, "--init-from", file));
        Assert.Equal(1, result.Code);
        Assert.StartsWith($"error: {file}: {expected}", result.Err);
        Assert.Single(result.Err.TrimEnd('\n').Split('\n'));
        Assert.False(File.Exists(Path.Combine(run, "config.json")));   // refused before anything was written (item 21)
    }

    [Fact]
    public void R2_Item5_Float64WeightsAreConvertedAndTheRunSaysSo()
    {
        string file = StateDictWith("float64", "stage1.0.conv1.weight", t => t.to_type(ScalarType.Float64));
        var result = CliRunner.Run(Train(Path.Combine(_cifar.Dir, "run-f64"), "--init-from", file));
        Assert.True(result.Code == 0, result.Err);
        Assert.Contains($"converted 1 tensors of {file} to float32: stage1.0.conv1.weight (float64)", result.Out);
    }

    [Fact]
    public void R2_Item22_ExportAndPredictNeverReplaceAFileWithoutOverwriteNorAnythingThatIsNotAFile()
    {
        string run = Path.Combine(_cifar.Dir, "run");
        Assert.Equal(0, CliRunner.Run(Train(run)).Code);
        string target = Path.Combine(_cifar.Dir, "model.pt");
        File.WriteAllText(target, "mine");
        var refused = CliRunner.Run("export", "--run", run, "--format", "pt", "--out", target);
        Assert.Equal(2, refused.Code);
        Assert.Contains($"--out {target} already exists; pass --overwrite to replace it.", refused.Err);
        Assert.Equal("mine", File.ReadAllText(target));
        Assert.Equal(0, CliRunner.Run("export", "--run", run, "--format", "pt", "--out", target, "--overwrite").Code);
        Assert.NotEqual("mine", File.ReadAllText(target));

        var device = CliRunner.Run("export", "--run", run, "--out", "/dev/full", "--overwrite");
        Assert.Equal(2, device.Code);
        Assert.Contains("--out /dev/full exists and is not a regular file", device.Err);
        Assert.True(File.Exists("/dev/full"));

        string json = Path.Combine(_cifar.Dir, "predictions.json");
        File.WriteAllText(json, "[]");
        string image = Directory.EnumerateFiles(_cifar.Dir, "*", SearchOption.AllDirectories).First(f => f.EndsWith(".bin", StringComparison.Ordinal));
        var predict = CliRunner.Run("predict", "--run", run, "--json", json, image);
        Assert.Equal(2, predict.Code);
        Assert.Contains($"--json {json} already exists; pass --overwrite", predict.Err);
        Assert.Equal("[]", File.ReadAllText(json));
    }

    [Fact]
    public void R2_Item18_LearningCurveOutMustNameAPng()
    {
        var result = CliRunner.Run("learning-curve", "--grid", _cifar.Dir, "--out", Path.Combine(_cifar.Dir, "x.md"));
        Assert.Equal(2, result.Code);
        Assert.Contains("--out names the PNG (its table goes beside it as .md)", result.Err);
    }

    [Fact]
    public void R2_Item20_AFolderThatCannotBeMadeBecauseAFileStandsInItsPathIsNamed()
    {
        string file = Path.Combine(_cifar.Dir, "a-file");
        File.WriteAllText(file, "x");
        string grid = Path.Combine(RepoPaths.RepoRoot, "tests", "fixtures", "old-grid.json");
        foreach (var (args, expected) in new[]
        {
            (new[] { "compare", "--variants", grid, "--out", Path.Combine(file, "g"), "--report-only" }, $"the grid folder {Path.Combine(file, "g")} cannot be created: {file} is a file, not a folder."),
            (new[] { "learning-curve", "--grid", Path.Combine(RepoPaths.RepoRoot, "tests", "fixtures", "old-grid"), "--out", Path.Combine(file, "x.png") }, $"{file} is a file, not a folder."),
            (new[] { "datasets", "--download", "mnist", "--data-dir", Path.Combine(file, "d") }, $"the data folder {Path.Combine(file, "d")} cannot be created: {file} is a file, not a folder."),
        })
        {
            var result = CliRunner.Run(args);
            Assert.True(result.Code == 1, $"{string.Join(' ', args)}: exit {result.Code}: {result.Err}");
            Assert.Contains(expected, result.Err);
            Assert.Single(result.Err.TrimEnd('\n').Split('\n'));
        }
    }
}
