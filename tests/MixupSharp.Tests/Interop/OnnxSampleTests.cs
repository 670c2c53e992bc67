using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using SkiaSharp;
using Xunit;

namespace MixupSharp.Tests.Interop;

/// <summary>
/// The deployment sample (samples/MixupSharp.OnnxInference: ONNX Runtime and SkiaSharp, no TorchSharp) classifies image
/// files as <c>mixup predict</c> does with the run itself: the same classes in the same order, the same probabilities.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class OnnxSampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-onnx-sample-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string SampleDll => Path.Combine(RepoPaths.RepoRoot, "samples", "MixupSharp.OnnxInference", "bin", "Release", "net10.0", "MixupSharp.OnnxInference.dll");

    [Fact]
    public void TheSampleAgreesWithPredictOnAStreamedGreyFolderRun()
    {
        string data = Path.Combine(_dir, "folder");
        for (int i = 0; i < 12; i++)
        {
            string split = i < 8 ? "train" : "test";
            WritePng(Path.Combine(data, split, i % 2 == 0 ? "cat" : "dog", $"{i}.png"), 40 + i, 30 + 2 * i, i);
        }

        string run = Path.Combine(_dir, "grey");
        var trained = CliRunner.Run("train", "--dataset", "folder", "--data-dir", data, "--image-size", "32", "--channels", "1", "--model", "fast-resnet", "--batch-size", "4", "--epochs", "1", "--threads", "1", "--out", run);
        Assert.True(trained.Code == 0, trained.Err);
        AgreesWithPredict(run, Images(3));
    }

    [Fact]
    public void TheSampleAgreesWithPredictOnABuiltInColourRunAndNamesAnUnreadableFile()
    {
        string data = Path.Combine(_dir, "cifar");
        DataFiles.WriteCifar10(data, perBatch: 8, testCount: 12);
        string run = Path.Combine(_dir, "colour");
        var trained = CliRunner.Run("train", "--dataset", "cifar10", "--data-dir", data, "--model", "fast-resnet", "--batch-size", "16", "--epochs", "1", "--threads", "1", "--out", run);
        Assert.True(trained.Code == 0, trained.Err);
        AgreesWithPredict(run, Images(3));

        string junk = Path.Combine(_dir, "junk.png");
        File.WriteAllText(junk, "not an image");
        var sample = ProcessRunner.Run("dotnet", $"{SampleDll} {Path.Combine(run, "model.onnx")} {junk}", _dir, TimeSpan.FromMinutes(2));
        Assert.Equal(1, sample.ExitCode);
        Assert.Contains($"{junk}: not a readable PNG or JPEG image", sample.Output);
    }

    [Fact]
    public void TheSampleCarriesNoTorchSharp()
    {
        Assert.True(File.Exists(SampleDll), $"{SampleDll} is missing: build the solution (./test.sh does)");
        var files = Directory.EnumerateFiles(Path.GetDirectoryName(SampleDll)!, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToArray();
        Assert.DoesNotContain(files, f => f!.Contains("Torch", StringComparison.OrdinalIgnoreCase) || f.StartsWith("MixupSharp.Training", StringComparison.Ordinal));
    }

    // Exports the run to ONNX, then classifies the images with predict and with the sample: same classes, probabilities within 0.1 point.
    private void AgreesWithPredict(string run, string[] images)
    {
        Assert.True(File.Exists(SampleDll), $"{SampleDll} is missing: build the solution (./test.sh does)");
        var export = CliRunner.Run("export", "--run", run, "--format", "onnx");
        Assert.True(export.Code == 0, export.Err);
        var predicted = CliRunner.Run(new[] { "predict", "--run", run, "--top", "3" }.Concat(images).ToArray());
        Assert.True(predicted.Code == 0, predicted.Err);
        var sample = ProcessRunner.Run("dotnet", $"{SampleDll} {Path.Combine(run, "model.onnx")} {string.Join(' ', images)}", _dir, TimeSpan.FromMinutes(2));
        Assert.True(sample.ExitCode == 0, sample.Output);
        foreach (string image in images)
        {
            var ours = Parse(predicted.Out, image);
            var theirs = Parse(sample.Output, image);
            Assert.True(ours.Length >= 2, predicted.Out);
            Assert.Equal(ours.Select(t => t.Class), theirs.Select(t => t.Class));
            Assert.All(ours.Zip(theirs), pair => Assert.InRange(Math.Abs(pair.First.Percent - pair.Second.Percent), 0, 0.1));
        }
    }

    private static (string Class, double Percent)[] Parse(string output, string image)
    {
        string line = output.Split('\n').Single(l => l.StartsWith(image + ": ", StringComparison.Ordinal));
        return Regex.Matches(line[(image.Length + 2)..], @"([^,]+?) ([0-9.]+) ?%")
            .Select(m => (m.Groups[1].Value.Trim(), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToArray();
    }

    // Non-square colour images of odd sizes, so the resize, the crop and the grey conversion all take part.
    private string[] Images(int count) => Enumerable.Range(0, count).Select(i =>
    {
        string path = Path.Combine(_dir, $"query-{i}.png");
        WritePng(path, 57 + 13 * i, 41 + 7 * i, 100 + i);
        return path;
    }).ToArray();

    private static void WritePng(string path, int width, int height, int seed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var random = new Random(seed);
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)random.Next(256), (byte)((x * 255) / width), (byte)((y * 255) / height)));
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, png.ToArray());
    }
}
