using System;
using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using MixupSharp.Training;
using MixupSharp.Training.Interop;
using MixupSharp.Training.Models;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Interop;

/// <summary>
/// A fact that needs Debian's python3-torch (run as /usr/bin/python3). Where it is missing the test reports itself
/// skipped with the reason, except under CI=true, where .ci/run installs it: there a missing requirement fails.
/// </summary>
public sealed class RequiresPyTorchFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    public RequiresPyTorchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("CI") != "true" && !PyTorchIsThere())
        {
            Skip = $"needs Debian's python3-torch for {Python} (apt-get install python3-torch libopenblas0-pthread); .ci/run installs it";
        }
    }

    public static bool PyTorchIsThere()
    {
        if (!File.Exists(Python))
        {
            return false;
        }

        var run = ProcessRunner.Run(Python, "-c \"import torch\"", Path.GetTempPath(), TimeSpan.FromMinutes(1));
        return run.ExitCode == 0;
    }
}

/// <summary>Exports read by real PyTorch (both formats, the same logits), and PyTorch-written weights read by us.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class PyTorchInteropTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-pytorch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [RequiresPyTorchFact]
    public void PyTorchLoadsBothExportsToOurLogitsAndWeLoadWhatPyTorchWrites()
    {
        Assert.True(RequiresPyTorchFactAttribute.PyTorchIsThere(), $"{RequiresPyTorchFactAttribute.Python} cannot import torch: install python3-torch (CI=true requires it)");
        string data = Path.Combine(_dir, "data");
        DataFiles.WriteIdx(data, 64, 32, gzip: true);
        foreach (var (model, channels, size) in new[] { ("seednet", 1, 28), ("fast-resnet", 1, 28) })
        {
            string run = Path.Combine(_dir, model);
            var trained = CliRunner.Run("train", "--dataset", "fashion-mnist", "--data-dir", data, "--model", model, "--batch-size", "16", "--epochs", "1", "--threads", "1", "--out", run);
            Assert.True(trained.Code == 0, trained.Err);
            Assert.Equal(0, CliRunner.Run("export", "--run", run, "--format", "pt").Code);
            Assert.Equal(0, CliRunner.Run("export", "--run", run, "--format", "safetensors").Code);

            var ours = TrainedModel.Load(run, CPU);
            using var scope = torch.NewDisposeScope();
            using (ours.Model)
            {
                var x = torch.rand(new long[] { 64, channels, size, size }, generator: new Generator(5));
                Tensor logits;
                using (torch.no_grad())
                {
                    logits = ours.Model.call(x);
                }

                string batch = Path.Combine(run, "batch.pt");
                PyTorchPickler.PickleStateDict(batch, new Hashtable { ["x"] = x, ["logits"] = logits });
                var check = ProcessRunner.Run(
                    RequiresPyTorchFactAttribute.Python,
                    $"{Path.Combine(RepoPaths.RepoRoot, "interop", "check_export.py")} {model} {channels} {size} 10 {Path.Combine(run, "model.pt")} {Path.Combine(run, "model.safetensors")} {batch} {run}",
                    run,
                    TimeSpan.FromMinutes(3));
                Assert.True(check.ExitCode == 0, check.Output);
                foreach (var format in new[] { "pt", "safetensors" })
                {
                    var line = check.Output.Split('\n').Single(l => l.StartsWith(format + " max-abs-diff", StringComparison.Ordinal)).Split(' ');
                    double diff = double.Parse(line[2], CultureInfo.InvariantCulture), same = double.Parse(line[4], CultureInfo.InvariantCulture);
                    Assert.True(diff <= 1e-4, $"{model} {format}: PyTorch's logits differ from ours by {diff}");
                    Assert.True(same >= 0.999, $"{model} {format}: only {same:P2} of the argmaxes agree");
                }

                // The way back: a model initialized and saved by PyTorch gives PyTorch's logits in ours.
                using var fromPyTorch = ModelFactory.Create(model, channels, size, 10);
                Assert.Empty(ModelImport.Load(fromPyTorch, Path.Combine(run, "from-pytorch.pt")));
                fromPyTorch.eval();
                var expected = (Tensor)PyTorchUnpickler.UnpickleStateDict(Path.Combine(run, "from-pytorch-logits.pt"))["logits"]!;
                using (torch.no_grad())
                {
                    double back = (fromPyTorch.call(x) - expected).abs().max().item<float>();
                    Assert.True(back <= 1e-4, $"{model}: our logits with PyTorch's weights differ by {back}");
                }
            }
        }
    }
}
