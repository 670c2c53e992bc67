using System;
using System.Diagnostics;
using System.IO;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using Xunit;

namespace MixupSharp.Tests.Training;

/// <summary>
/// The README's worked example (experiments/worked-example/run.sh) end to end at a tiny size: Fashion-MNIST exported as
/// a PNG folder at 64×64 RGB, resnet18 streamed from it, ERM against the little-data recipe, export, predict.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class WorkedExampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-example-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TheWorkedExampleRunsAtATinySize()
    {
        string fashion = Path.Combine(_dir, "fashion");
        DataFiles.WriteIdx(fashion, 60, 40, gzip: true);
        string output = Path.Combine(_dir, "out");
        var start = new ProcessStartInfo("bash") { WorkingDirectory = RepoPaths.RepoRoot };
        start.ArgumentList.Add(Path.Combine(RepoPaths.RepoRoot, "experiments", "worked-example", "run.sh"));
        start.ArgumentList.Add(output);
        start.Environment["TINY"] = "1";
        start.Environment["FASHION_MNIST_DIR"] = fashion;
        using var child = ProcessRunner.Start(start);
        Assert.True(child.Process.WaitForExit(TimeSpan.FromMinutes(10)), "the example did not finish in 10 minutes");
        child.Process.WaitForExit();
        Assert.True(child.Process.ExitCode == 0, child.Output);

        // The folder as a user's photos would be: class folders of 64×64 RGB PNGs.
        Assert.Equal(10, Directory.GetDirectories(Path.Combine(output, "data", "train")).Length);
        Assert.Equal(40, Directory.GetFiles(Path.Combine(output, "data", "train"), "*.png", SearchOption.AllDirectories).Length);
        Assert.Contains("40 train images of fashion-mnist written as 64×64 PNG (RGB)", child.Output);
        Assert.True(File.Exists(Path.Combine(output, "little-data-s1.pt")), child.Output);
        Assert.Contains(Path.Combine(output, "data", "test", "Sneaker"), child.Output);   // predict's lines
        foreach (var variant in new[] { "erm", "little-data" })
        {
            var config = File.ReadAllText(Path.Combine(output, "grid", variant, "s1", "config.json"));
            Assert.Contains("\"image-size\": 64", config);
            Assert.Contains("\"model\": \"resnet18\"", config);
        }
    }
}
