using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using MixupSharp.Tests.Support;
using MixupSharp.Training;
using MixupSharp.Training.Data;
using SkiaSharp;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Training;

/// <summary><c>mixup predict</c> on PNG files of the run's own data, a folder, a corrupt file and a missing one.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class PredictTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-predict-").FullName;

    public PredictTests() => GoldenData.Write(GoldenRunTests.DataDir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void PredictsTheModelsTopClassesForImageFilesAndNamesWhatItSkips()
    {
        string run = Path.Combine(RepoPaths.RepoRoot, "tests", "fixtures", "old-grid", "mixup", "s5");
        using var test = DataLocator.Load(DatasetKind.FashionMnist, train: false, GoldenRunTests.DataDir);
        string folder = Path.Combine(_dir, "images");
        Directory.CreateDirectory(folder);
        for (int i = 0; i < 3; i++)
        {
            var pixels = test.Images[i, 0].data<byte>().ToArray();
            using var bitmap = new SKBitmap(28, 28);
            for (int y = 0; y < 28; y++)
            {
                for (int x = 0; x < 28; x++)
                {
                    byte v = pixels[(y * 28) + x];
                    bitmap.SetPixel(x, y, new SKColor(v, v, v));
                }
            }

            using var png = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(folder, $"image{i}.png"), png.ToArray());
        }

        File.WriteAllText(Path.Combine(folder, "broken.png"), "not a png");
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "ignored: not an image");
        string json = Path.Combine(_dir, "predictions.json");
        var result = CliRunner.Run("predict", "--run", run, "--top", "2", "--json", json, folder, Path.Combine(_dir, "missing.png"));
        Assert.True(result.Code == 0, result.Err);
        Assert.Contains("warning: skipped " + Path.Combine(folder, "broken.png"), result.Err);
        Assert.Contains("warning: skipped " + Path.Combine(_dir, "missing.png") + ": no such file or folder.", result.Err);
        Assert.Equal(3, result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // The top class of each file is the model's argmax on the same image taken straight from the dataset.
        var trained = TrainedModel.Load(run, CPU);
        using (trained.Model)
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var logits = trained.Model.call(trained.Normalize.Transform(test.Images.narrow(0, 0, 3).to_type(ScalarType.Float32) / 255f));
            long[] expected = logits.argmax(1).data<long>().ToArray();
            using var document = JsonDocument.Parse(File.ReadAllText(json));
            var entries = document.RootElement.EnumerateArray().Where(e => e.TryGetProperty("top", out _)).ToList();
            Assert.Equal(3, entries.Count);
            Assert.Equal(2, document.RootElement.EnumerateArray().Count(e => e.TryGetProperty("skipped", out _)));   // broken.png and missing.png
            for (int i = 0; i < 3; i++)
            {
                var topK = entries[i].GetProperty("top").EnumerateArray().ToList();
                Assert.Equal(2, topK.Count);
                Assert.Equal(expected[i], topK[0].GetProperty("index").GetInt64());
                Assert.True(topK[0].GetProperty("probability").GetDouble() >= topK[1].GetProperty("probability").GetDouble());
            }
        }

        Assert.Equal(2, CliRunner.Run("predict", "--run", run).Code);   // no image given
    }
}
