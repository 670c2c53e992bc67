using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using MixupSharp.Tests.Support;
using MixupSharp.Training.Data;
using SkiaSharp;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Data;

/// <summary>
/// Image folders and lists streamed at any size: the same seed gives the same batches whatever the number of workers,
/// 20,000 images at 224 px stream in bounded memory, and a bad list file is one line naming the line.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class StreamingDataTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-stream-").FullName;
    private readonly ITestOutputHelper _output;

    public StreamingDataTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A JPEG of <paramref name="width"/> × <paramref name="height"/> with a gradient and a seeded colour, so crops differ.</summary>
    internal static void WriteJpeg(string path, int width, int height, int seed)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using (var canvas = new SKCanvas(bitmap))
        {
            using var paint = new SKPaint
            {
                Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                    new[] { new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)), new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)) },
                    SKShaderTileMode.Clamp),
            };
            canvas.DrawRect(0, 0, width, height, paint);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        File.WriteAllBytes(path, data.ToArray());
    }

    private string Folder(int perClass, params string[] classes)
    {
        string root = Path.Combine(_dir, "folder");
        int seed = 0;
        foreach (string split in new[] { "train", "test" })
        {
            foreach (string c in classes)
            {
                for (int i = 0; i < perClass; i++, seed++)
                {
                    WriteJpeg(Path.Combine(root, split, c, $"{i}.jpg"), 120 + (seed * 37 % 200), 100 + (seed * 53 % 180), seed);
                }
            }
        }

        return root;
    }

    private static byte[][] TwoEpochs(StreamingImageDataset data, ulong seed)
    {
        using var generator = new Generator(seed);
        var loader = new BatchLoader(data, new BatchLoaderOptions { BatchSize = 8 }, generator);
        var batches = new List<byte[]>();
        for (int epoch = 0; epoch < 2; epoch++)
        {
            foreach (var batch in loader.Batches(loader.NextOrder(), 0, salt: epoch))
            {
                using (batch)
                {
                    batches.Add(T.Bytes(batch.Images));
                }
            }
        }

        return batches.ToArray();
    }

    [Fact]
    public void TheSameSeedGivesTheSameBatchesByteForByteWithOneOrTwoWorkers()
    {
        string root = Folder(7, "ant", "bee", "cat");
        var options = new StreamingOptions { Size = 48, Transform = StreamTransform.RandomResizedCrop, Seed = 5 };
        using var one = StreamingSources.Folder(Path.Combine(root, "train"), options with { Workers = 1 });
        using var two = StreamingSources.Folder(Path.Combine(root, "train"), options with { Workers = 2 });
        Assert.Equal(new long[] { 3, 48, 48 }, two.ImageShape);
        var a = TwoEpochs(one, 11);
        var b = TwoEpochs(two, 11);
        Assert.Equal(6, a.Length);   // 21 images, batches of 8, two epochs
        Assert.Equal(a, b);

        // A cache of decoded images saves the decoding, not the randomness: the same bytes again.
        using var cached = StreamingSources.Folder(Path.Combine(root, "train"), options with { Cache = CacheMode.Memory });
        Assert.Equal(a, TwoEpochs(cached, 11));
        var notes = new List<string>();
        using var over = StreamingSources.Folder(Path.Combine(root, "train"), options with { Cache = CacheMode.Auto, CacheBytes = 1000 }, warn: notes.Add);
        Assert.Contains(notes, n => n.StartsWith("not caching: the decoded images take", StringComparison.Ordinal));

        // The crops are random and change between epochs: the same image is read differently at another salt.
        using var first = two.ReadImages(new long[] { 0 }, salt: 0);
        using var again = two.ReadImages(new long[] { 0 }, salt: 0);
        using var later = two.ReadImages(new long[] { 0 }, salt: 1);
        T.SameBytes(first, again);
        Assert.NotEqual(T.Bytes(first), T.Bytes(later));

        // Evaluation's resize + centre crop has no randomness at all.
        using var evaluation = two.ForEvaluation();
        T.SameBytes(evaluation.ReadImages(new long[] { 3 }, salt: 0), evaluation.ReadImages(new long[] { 3 }, salt: 9));
    }

    [Fact]
    public void TwentyThousandImagesAt224StreamForTwoEpochsWithinOneGigabyteOfResidentMemory()
    {
        // 20,000 files: hard links to 40 distinct JPEGs of 240–300 px (decoded, they would take 20,000 × 224² × 3 ≈ 3 GB).
        string root = Path.Combine(_dir, "big");
        var sources = Enumerable.Range(0, 40).Select(i =>
        {
            string path = Path.Combine(_dir, "sources", $"{i}.jpg");
            WriteJpeg(path, 240 + i, 300 - i, i);
            return path;
        }).ToArray();
        for (int i = 0; i < 20_000; i++)
        {
            string target = Path.Combine(root, "train", $"c{i % 4}", $"{i}.jpg");
            if (i < 4)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            }

            Link(sources[i % sources.Length], target);
        }

        for (int c = 0; c < 4; c++)
        {
            Link(sources[c], Path.Combine(root, "test", $"c{c}", "0.jpg"));
        }

        // In a process of its own, so the figure is the loader's and not the test host's.
        var start = new ProcessStartInfo("dotnet");
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "MixupSharp.Cli.dll"), "loader", "--dataset", "folder", "--data-dir", root, "--image-size", "224", "--workers", "2", "--batch-size", "64", "--epochs", "2", "--threads", "2", "--json", Path.Combine(_dir, "loader.json") })
        {
            start.ArgumentList.Add(arg);
        }

        using var child = ProcessRunner.Start(start, _output.WriteLine);
        Assert.True(child.Process.WaitForExit(TimeSpan.FromMinutes(8)), "the loader did not finish in 8 minutes");
        child.Process.WaitForExit();
        Assert.True(child.Process.ExitCode == 0, child.Output);
        var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "loader.json"))).RootElement;
        Assert.Equal(20_000, report.GetProperty("Images").GetInt64());
        double peak = report.GetProperty("PeakResidentMb").GetDouble();
        _output.WriteLine($"peak resident memory {peak.ToString("F0", CultureInfo.InvariantCulture)} MB");
        Assert.True(peak < 1024, $"the loader's peak resident memory was {peak:F0} MB; the cap is 1,024 MB");
    }

    [Fact]
    public void AListFileTrainsAndItsMistakesAreOneLineNamingTheLine()
    {
        string root = Folder(3, "ant", "bee");
        string Line(string split, string c, int i) => $"{split}/{c}/{i}.jpg,{c}";
        string train = Path.Combine(root, "train.csv"), test = Path.Combine(root, "test.csv");
        File.WriteAllLines(train, new[] { "path,label" }.Concat(from c in new[] { "ant", "bee" } from i in Enumerable.Range(0, 3) select Line("train", c, i)));
        File.WriteAllLines(test, from c in new[] { "ant", "bee" } from i in Enumerable.Range(0, 3) select Line("test", c, i));
        string[] Train(string run, string trainList, string testList) =>
            new[] { "train", "--train-list", trainList, "--test-list", testList, "--model", "fast-resnet", "--image-size", "32", "--batch-size", "4", "--epochs", "1", "--threads", "1", "--out", Path.Combine(_dir, run) };
        var ok = CliRunner.Run(Train("ok", train, test));
        Assert.True(ok.Code == 0, ok.Err);
        Assert.Contains("6 train / 6 test images of [3, 32, 32], 2 classes", ok.Out);

        // Without --model, a list or folder run gets resnet18 (SeedNet's first layer would grow with the image's area).
        var defaults = CliRunner.Run("train", "--train-list", train, "--test-list", test, "--image-size", "32", "--batch-size", "4", "--epochs", "1", "--threads", "1", "--out", Path.Combine(_dir, "defaults"));
        Assert.True(defaults.Code == 0, defaults.Err);
        Assert.Contains("\"model\": \"resnet18\"", File.ReadAllText(Path.Combine(_dir, "defaults", "config.json")));

        string bad = Path.Combine(root, "bad.csv");
        File.WriteAllLines(bad, new[] { Line("test", "ant", 0), "just-a-path.jpg" });
        CliAssert.OneLineError(CliRunner.Run(Train("a", train, bad)), 1, $"{bad}: line 2: expected 'path,label'; got 'just-a-path.jpg'.");
        File.WriteAllLines(bad, new[] { Line("test", "ant", 0), "test/ant/missing.jpg,ant" });
        CliAssert.OneLineError(CliRunner.Run(Train("b", train, bad)), 1, $"{bad}: line 2: no such image 'test/ant/missing.jpg'");
        File.WriteAllLines(bad, new[] { Line("test", "ant", 0), Line("test", "bee", 1), "test/bee/2.jpg,wasp" });
        CliAssert.OneLineError(CliRunner.Run(Train("c", train, bad)), 1, $"{bad}: line 3: the label 'wasp' is not among the training classes (ant, bee).");
    }

    [Fact]
    public void PredictBatchesAStreamedRunsImagesThroughItsEvaluationTransform()
    {
        string root = Folder(3, "ant", "bee");
        string run = Path.Combine(_dir, "run");
        var trained = CliRunner.Run("train", "--dataset", "folder", "--data-dir", root, "--image-size", "40", "--model", "fast-resnet", "--batch-size", "4", "--epochs", "1", "--threads", "1", "--out", run);
        Assert.True(trained.Code == 0, trained.Err);
        string one = Path.Combine(_dir, "one.json"), four = Path.Combine(_dir, "four.json");
        Assert.Equal(0, CliRunner.Run("predict", "--run", run, "--batch-size", "1", "--top", "2", "--json", one, Path.Combine(root, "test", "ant"), Path.Combine(root, "test", "bee")).Code);
        Assert.Equal(0, CliRunner.Run("predict", "--run", run, "--batch-size", "4", "--top", "2", "--json", four, Path.Combine(root, "test", "ant"), Path.Combine(root, "test", "bee")).Code);
        double[] Probabilities(string file) => System.Text.Json.JsonDocument.Parse(File.ReadAllText(file)).RootElement.EnumerateArray()
            .SelectMany(r => r.GetProperty("top").EnumerateArray().Select(t => t.GetProperty("probability").GetDouble())).ToArray();
        var single = Probabilities(one);
        Assert.Equal(12, single.Length);   // 6 images, top 2
        Assert.All(single.Zip(Probabilities(four)), p => Assert.Equal(p.First, p.Second, 5));

        // The same numbers as the model on the run's own evaluation read of the first image.
        var model = MixupSharp.Training.TrainedModel.Load(run, CPU);
        using (model.Model)
        {
            var options = new StreamingOptions { Size = 40 };
            using var image = StreamingImageDataset.ReadOne(Directory.GetFiles(Path.Combine(root, "test", "ant")).Order(StringComparer.Ordinal).First(), options);
            using var noGrad = torch.no_grad();
            using var x = model.Normalize.Transform(image.unsqueeze(0).to_type(ScalarType.Float32) / 255f);
            using var p = nn.functional.softmax(model.Model.call(x), 1);
            Assert.Equal(p.max().item<float>(), single[0], 5);
        }
    }

    [Fact]
    public void AFileTruncatedAfterTheScanFailsItsBatchNamingIt()
    {
        string root = Folder(2, "ant", "bee");
        using var data = StreamingSources.Folder(Path.Combine(root, "train"), new StreamingOptions { Size = 32 });
        string victim = data.Files[1];
        var bytes = File.ReadAllBytes(victim);
        File.WriteAllBytes(victim, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<DatasetFormatException>(() => data.ReadImages(new long[] { 0, 1 }));
        Assert.Equal(victim, error.FilePath);
        Assert.Contains("truncated", error.Message);
        using var fine = data.ReadImages(new long[] { 0, 2 });   // the others still read
        Assert.Equal(new long[] { 2, 3, 32, 32 }, fine.shape);
    }

    [Fact]
    public void StreamingOptionsOutOfRangeAreUsageErrors()
    {
        string root = Folder(2, "ant", "bee");
        string[] Train(params string[] more) => new[] { "train", "--dataset", "folder", "--data-dir", root, "--epochs", "1", "--out", Path.Combine(_dir, "x") }.Concat(more).ToArray();
        CliAssert.UsageError(CliRunner.Run(Train("--workers", (Environment.ProcessorCount + 1).ToString(CultureInfo.InvariantCulture))), $"--workers must be between 1 and the {Environment.ProcessorCount} processors here; got {Environment.ProcessorCount + 1}.");
        CliAssert.UsageError(CliRunner.Run(Train("--image-size", "2000")), "--image-size must be 1–1024 pixels; got 2000.");
        CliAssert.UsageError(CliRunner.Run(Train("--model", "deit-tiny", "--image-size", "100")), "--image-size must be a multiple of 16 for deit-tiny (its patch size); got 100.");
        CliAssert.UsageError(CliRunner.Run("train", "--dataset", "fashion-mnist", "--epochs", "1", "--train-crop", "pad", "--out", Path.Combine(_dir, "y")), "--train-crop applies to image folders and lists");
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int link(string existing, string created);

    private static void Link(string existing, string created)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(created)!);
        if (link(existing, created) != 0)
        {
            File.Copy(existing, created);
        }
    }
}
