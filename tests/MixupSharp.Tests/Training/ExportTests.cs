using System;
using System.IO;
using System.Linq;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using MixupSharp.Training;
using MixupSharp.Training.Models;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Training;

/// <summary><c>mixup export</c>: the trained model as a PyTorch state dict and as safetensors, read back exactly.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class ExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void BothFormatsHoldEveryTensorUnderItsNameAndLoadBackToTheSameLogits()
    {
        string data = Path.Combine(_dir, "data");
        DataFiles.WriteCifar10(data, perBatch: 8, testCount: 12);
        string run = Path.Combine(_dir, "run");
        var trained = CliRunner.Run("train", "--dataset", "cifar10", "--data-dir", data, "--model", "fast-resnet", "--batch-size", "16", "--epochs", "1", "--threads", "1", "--out", run);
        Assert.True(trained.Code == 0, trained.Err);

        var pt = CliRunner.Run("export", "--run", run, "--format", "pt");
        Assert.True(pt.Code == 0, pt.Err);
        var safetensors = CliRunner.Run("export", "--run=" + run, "--out", Path.Combine(_dir, "weights.safetensors"));
        Assert.True(safetensors.Code == 0, safetensors.Err);
        Assert.Contains("as safetensors", safetensors.Out);

        var original = TrainedModel.Load(run, CPU);
        using var scope = torch.NewDisposeScope();
        using (original.Model)
        {
            var names = MixupSharp.Training.Interop.ModelExport.StateDict(original.Model).Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
            Assert.Contains("stage1.0.bn1.weight", names);                     // PyTorch-style: no leading underscores
            Assert.Contains("stage4.linear.bias", names);
            var pickled = PyTorchUnpickler.UnpickleStateDict(Path.Combine(run, "model.pt"));
            Assert.Equal(names, pickled.Keys.Cast<string>().OrderBy(k => k, StringComparer.Ordinal).ToArray());
            Assert.Equal(names, Safetensors.LoadStateDict(Path.Combine(_dir, "weights.safetensors")).Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray());

            var x = torch.rand(new long[] { 4, 3, 32, 32 }, generator: new Generator(3));
            var expected = original.Model.call(x);
            foreach (var file in new[] { Path.Combine(run, "model.pt"), Path.Combine(_dir, "weights.safetensors") })
            {
                using var copy = ModelFactory.Create("fast-resnet", 3, 32, 10);
                Assert.Empty(MixupSharp.Training.Interop.ModelImport.Load(copy, file));
                copy.eval();
                T.SameBytes(expected, copy.call(x));
            }

            // The checks: a model of another shape names the first mismatching tensor and both shapes; junk is named.
            using var other = ModelFactory.Create("fast-resnet", 3, 32, 7);
            var mismatch = Assert.ThrowsAny<ArgumentException>(() => MixupSharp.Training.Interop.ModelImport.Load(other, Path.Combine(run, "model.pt")));
            Assert.Contains("'stage4.linear.weight' is [10, 64] in the file but [7, 64] in the model", mismatch.Message);
            Assert.Equal(new[] { "stage4.linear.weight", "stage4.linear.bias" }, MixupSharp.Training.Interop.ModelImport.Load(other, Path.Combine(run, "model.pt"), n => n.StartsWith("stage4.linear.", StringComparison.Ordinal)));
            File.WriteAllText(Path.Combine(_dir, "junk.pt"), "not a state dict");
            Assert.Contains("not a PyTorch state dict", Assert.ThrowsAny<ArgumentException>(() => MixupSharp.Training.Interop.ModelImport.Load(other, Path.Combine(_dir, "junk.pt"))).Message);
        }
    }

    [Fact]
    public void TrainingStartsFromExportedWeightsKeepingAllButTheHeadForAnotherClassCount()
    {
        string data = Path.Combine(_dir, "data");
        DataFiles.WriteCifar10(data, perBatch: 8, testCount: 12);
        DataFiles.WriteCifar100(data, trainCount: 40, testCount: 10);
        DataFiles.WriteIdx(Path.Combine(_dir, "gray"), 40, 10, gzip: false);
        string run = Path.Combine(_dir, "source");
        Assert.Equal(0, CliRunner.Run("train", "--dataset", "cifar10", "--data-dir", data, "--model", "fast-resnet", "--batch-size", "16", "--epochs", "1", "--threads", "1", "--out", run).Code);
        Assert.Equal(0, CliRunner.Run("export", "--run", run, "--format", "pt").Code);
        string weights = Path.Combine(run, "model.pt");

        var same = CliRunner.Run("train", "--dataset", "cifar10", "--data-dir", data, "--model", "fast-resnet", "--batch-size", "16", "--epochs", "1", "--threads", "1", "--init-from", weights, "--out", Path.Combine(_dir, "same"));
        Assert.True(same.Code == 0, same.Err);
        Assert.Contains($"initialized from {weights}", same.Out);
        Assert.DoesNotContain("classifier head", same.Out);

        var other = CliRunner.Run("train", "--dataset", "cifar100", "--data-dir", data, "--model", "fast-resnet", "--batch-size", "16", "--epochs", "1", "--threads", "1", "--init-from", weights, "--out", Path.Combine(_dir, "other"));
        Assert.True(other.Code == 0, other.Err);
        Assert.Contains("except the classifier head (stage4.linear.weight, stage4.linear.bias)", other.Out);

        var gray = CliRunner.Run("train", "--dataset", "fashion-mnist", "--data-dir", Path.Combine(_dir, "gray"), "--model", "fast-resnet", "--epochs", "1", "--threads", "1", "--init-from", weights, "--out", Path.Combine(_dir, "gray-run"));
        Assert.Equal(1, gray.Code);
        Assert.Contains("'stage0.weight' is [16, 3, 3, 3] in the file but [16, 1, 3, 3] in the model", gray.Err);
        Assert.Contains("no such file", CliRunner.Run("train", "--dataset", "cifar10", "--data-dir", data, "--model", "fast-resnet", "--epochs", "1", "--init-from", Path.Combine(_dir, "none.pt"), "--out", Path.Combine(_dir, "none")).Err);
    }

    [Fact]
    public void TheOnnxExportOfARunGivesItsLogitsInOnnxRuntimeWithItsClassNames()
    {
        string data = Path.Combine(_dir, "data");
        DataFiles.WriteCifar10(data, perBatch: 8, testCount: 12);
        string run = Path.Combine(_dir, "run");
        var trained = CliRunner.Run("train", "--dataset", "cifar10", "--data-dir", data, "--model", "fast-resnet", "--batch-size", "16", "--epochs", "1", "--threads", "1", "--out", run);
        Assert.True(trained.Code == 0, trained.Err);

        var export = CliRunner.Run("export", "--run", run, "--format", "onnx", "--dynamic-batch");
        Assert.True(export.Code == 0, export.Err);
        Assert.Contains("as ONNX opset 17: input pixels float32 [N, 3, 32, 32] in [0, 1]", export.Out);
        var model = TrainedModel.Load(run, CPU);
        using var session = Interop.OnnxExportTests.Session(Path.Combine(run, "model.onnx"));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(model.ClassNames), session.ModelMetadata.CustomMetadataMap["class_names"]);
        using var scope = torch.NewDisposeScope();
        using (model.Model)
        using (torch.no_grad())
        {
            var pixels = torch.rand(new long[] { 5, 3, 32, 32 }, generator: new Generator(11));
            var ours = model.Model.call(model.Normalize.Transform(pixels));
            var theirs = Interop.OnnxExportTests.OnnxLogits(session, pixels);
            Assert.True((ours - theirs).abs().max().item<float>() <= 1e-4f);
        }
    }

    [Fact]
    public void BadExportsAreOneLineErrors()
    {
        var none = CliRunner.Run("export", "--run", _dir);
        Assert.Equal(1, none.Code);
        Assert.Contains("not a run folder", none.Err);
        Assert.Equal(2, CliRunner.Run("export").Code);
        var format = CliRunner.Run("export", "--run", _dir, "--format", "tflite");
        Assert.Equal(2, format.Code);
        Assert.Contains("--format must be safetensors, pt or onnx; got 'tflite'.", format.Err);
        var opset = CliRunner.Run("export", "--run", _dir, "--format", "onnx", "--opset", "18");
        Assert.Equal(2, opset.Code);
        Assert.Contains("--opset must be 13–17", opset.Err);
        Assert.Contains("--opset and --dynamic-batch are for --format onnx.", CliRunner.Run("export", "--run", _dir, "--dynamic-batch").Err);
    }
}
