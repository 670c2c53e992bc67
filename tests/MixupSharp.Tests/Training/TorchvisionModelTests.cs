using System;
using System.IO;
using MixupSharp.Tests.Support;
using MixupSharp.Training.Interop;
using MixupSharp.Training.Models;
using Xunit;

namespace MixupSharp.Tests.Training;

/// <summary>The torchvision-compatible models from the command line: fine-tuning replaces the head, another architecture is named.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class TorchvisionModelTests : IDisposable
{
    private readonly TinyCifar _cifar = new("mixupsharp-tvmodels-");

    public void Dispose() => _cifar.Dispose();

    [Fact]
    public void WeightsOfAnotherArchitectureNameTheFirstMismatchingTensorWithBothShapes()
    {
        string weights = Path.Combine(_cifar.Dir, "resnet18.pt");
        using (var resnet18 = ModelFactory.Create("resnet18", 3, 32, 10))
        {
            ModelExport.Save(resnet18, ExportFormat.Pt, weights);
        }

        using var resnet50 = ModelFactory.Create("resnet50", 3, 32, 10);
        var error = Assert.Throws<ArgumentException>(() => ModelImport.Load(resnet50, weights));
        Assert.Equal($"{weights}: 'layer1.0.conv1.weight' is [64, 64, 3, 3] in the file but [64, 64, 1, 1] in the model.", error.Message);
    }

    [Fact]
    public void FineTuningFromWeightsOfAnotherClassCountReplacesTheHeadAndSaysSo()
    {
        string weights = Path.Combine(_cifar.Dir, "mobilenet-1000.pt");
        using (var pretrained = ModelFactory.Create("mobilenet-v3-large", 3, 32, 1000))
        {
            ModelExport.Save(pretrained, ExportFormat.Pt, weights);
        }

        var args = Array.ConvertAll(_cifar.Train(Path.Combine(_cifar.Dir, "tuned"), "--epochs", "1", "--init-from", weights, "--recipe", "fine-tune"), a => a == "fast-resnet" ? "mobilenet-v3-large" : a);
        var run = CliRunner.Run(args);
        Assert.True(run.Code == 0, run.Err);
        Assert.Contains($"initialized from {weights}, except the classifier head (classifier.3.weight, classifier.3.bias), which has another class count there and starts random", run.Out);
        Assert.Contains("recipe fine-tune: conservative fine-tuning", run.Out);
    }
}
