using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using MixupSharp.Training;
using MixupSharp.Training.Data;
using MixupSharp.Training.Options;
using MixupSharp.Training.Runs;
using MixupSharp.Training.Sinks;
using SkiaSharp;
using Xunit;

namespace MixupSharp.Tests.Reliability;

/// <summary>
/// The defects found by trying to break the CLI (reliability issue, items 1–16), each pinned by the case that showed it.
/// Every error is one line starting "error: ", with no stack trace, and the documented exit code.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class CliReliabilityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-reliability-").FullName;
    private readonly string _data;

    public CliReliabilityTests()
    {
        _data = Path.Combine(_dir, "data");
        DataFiles.WriteCifar10(_data, perBatch: 8, testCount: 12);   // 40 train, 12 test images
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    private string[] Train(string outDir, params string[] more) =>
        new[] { "train", "--dataset", "cifar10", "--data-dir", _data, "--model", "fast-resnet", "--batch-size", "16", "--epochs", "1", "--threads", "1", "--out", outDir }.Concat(more).ToArray();

    private static void OneLineError((int Code, string Out, string Err) result, int code, string expected) => CliAssert.OneLineError(result, code, expected);

    [Fact]
    public void Item1_AnExplicitDataFolderIsUsedOrTheRunFailsNamingIt()
    {
        string partial = Path.Combine(_dir, "partial");
        DataFiles.WriteIdx(partial, 20, 10, gzip: true);
        File.Delete(Path.Combine(partial, "train-labels-idx1-ubyte.gz"));
        string run = Path.Combine(_dir, "run1");
        var result = Run("train", "--dataset", "fashion-mnist", "--data-dir", partial, "--model", "fast-resnet", "--epochs", "1", "--out", run);
        OneLineError(result, 1, $"the data folder {partial} does not hold fashion-mnist: {partial} lacks train-labels-idx1-ubyte.gz");
        Assert.False(File.Exists(Path.Combine(run, "checkpoint.bin")));
        OneLineError(Run("train", "--dataset", "fashion-mnist", "--data-dir", Path.Combine(_dir, "nowhere"), "--out", run), 1, "does not exist");
    }

    private void WritePng(string path, int size = 8, byte shade = 128)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(size, size);
        bitmap.Erase(new SKColor(shade, shade, shade));
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    private string ImageFolderDataset(string name, string[] trainClasses, string[] testClasses)
    {
        string root = Path.Combine(_dir, name);
        foreach (var (split, classes) in new[] { ("train", trainClasses), ("test", testClasses) })
        {
            foreach (var cls in classes)
            {
                for (int i = 0; i < 4; i++)
                {
                    WritePng(Path.Combine(root, split, cls, $"{i}.png"), shade: (byte)(40 * (Array.IndexOf(trainClasses, cls) + 1)));
                }
            }
        }

        return root;
    }

    [Fact]
    public void Items2And6_TestClassesAreMatchedToTrainingClassesByNameAndAClassOnlyInTestIsRefusedBeforeTraining()
    {
        string mismatched = ImageFolderDataset("mismatched", new[] { "cat", "dog" }, new[] { "ant", "cat" });
        string run = Path.Combine(_dir, "folder-run");
        var result = Run("train", "--dataset", "folder", "--image-size", "32", "--data-dir", mismatched, "--model", "fast-resnet", "--epochs", "1", "--batch-size", "4", "--threads", "1", "--out", run);
        OneLineError(result, 1, "the class 'ant' is not among the training classes (cat, dog)");
        Assert.False(File.Exists(Path.Combine(run, "checkpoint.bin")));   // refused before any epoch was trained

        // A test split with fewer classes is labelled by name: test/dog is class 1, as in train/.
        string subset = ImageFolderDataset("subset", new[] { "cat", "dog" }, new[] { "dog" });
        using var test = ImageFolder.Load(Path.Combine(subset, "test"), new ImageFolderOptions { Classes = new[] { "cat", "dog" } });
        Assert.Equal(new[] { "cat", "dog" }, test.ClassNames);
        Assert.All(T.L(test.Labels), l => Assert.Equal(1, l));
        var trained = Run("train", "--dataset", "folder", "--image-size", "32", "--data-dir", subset, "--model", "fast-resnet", "--epochs", "1", "--batch-size", "4", "--threads", "1", "--out", Path.Combine(_dir, "subset-run"));
        Assert.True(trained.Code == 0, trained.Err);
    }

    [Fact]
    public void Item6_LabelsOutsideTheTrainingClassesAreRefusedBeforeTraining()
    {
        string data = Path.Combine(_dir, "bad-labels");
        DataFiles.WriteIdx(data, 20, 10, gzip: false);
        var labels = Enumerable.Range(0, 10).Select(i => (byte)(i == 3 ? 12 : i % 10)).ToArray();
        IdxFormat.WriteLabels(Path.Combine(data, "t10k-labels-idx1-ubyte"), labels);
        string run = Path.Combine(_dir, "bad-labels-run");
        var result = Run("train", "--dataset", "fashion-mnist", "--data-dir", data, "--model", "fast-resnet", "--epochs", "1", "--threads", "1", "--out", run);
        Assert.NotEqual(0, result.Code);
        Assert.StartsWith("error: ", result.Err);
        Assert.DoesNotContain("out of bounds", result.Err);
        Assert.False(File.Exists(Path.Combine(run, "checkpoint.bin")));
    }

    [Fact]
    public void Item3_ResumeRefusesOptionsThatWouldChangeTheRunAndAnotherOutFolder()
    {
        string run = Path.Combine(_dir, "resume");
        Assert.Equal(0, Run(Train(run)).Code);
        OneLineError(Run("train", "--resume", run, "--lr", "0.5", "--method", "cutmix"), 2, "leave out --lr, --method (only --epochs and --threads may change)");
        OneLineError(Run("train", "--resume", run, "--out", Path.Combine(_dir, "elsewhere")), 2, "leave out --out");
        var extended = Run("train", "--resume", run, "--epochs", "2", "--threads", "1");
        Assert.True(extended.Code == 0, extended.Err);
        Assert.Equal(2, new RunFolder(run).ReadSummary()!.Epochs);
    }

    [Fact]
    public void Item4_ADivergenceBeforeTheFirstCheckpointSaysThereIsNone()
    {
        string run = Path.Combine(_dir, "diverged");
        var result = Run(Train(run, "--lr", "1e30", "--momentum", "0"));
        OneLineError(result, 1, "no checkpoint exists yet");
        Assert.Contains("at epoch 1, step", result.Err);
        Assert.Contains(run, result.Err);
        Assert.DoesNotContain("is kept in", result.Err);
        Assert.False(File.Exists(Path.Combine(run, "checkpoint.bin")));
    }

    /// <summary>
    /// A PNG whose header claims <paramref name="width"/> × <paramref name="height"/> pixels, followed by a tiny IDAT and
    /// IEND: a decoder that trusts the header allocates width × height × 4 bytes before reading any pixel.
    /// </summary>
    private static byte[] PngHeader(int width, int height)
    {
        var png = new List<byte> { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
        png.AddRange(Chunk("IHDR", BigEndian(width).Concat(BigEndian(height)).Concat(new byte[] { 8, 6, 0, 0, 0 }).ToArray()));
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(new byte[64]);
        }

        png.AddRange(Chunk("IDAT", compressed.ToArray()));
        png.AddRange(Chunk("IEND", Array.Empty<byte>()));
        return png.ToArray();
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        return BigEndian(data.Length).Concat(typed).Concat(BigEndian(unchecked((int)Crc32(typed)))).ToArray();
    }

    private static byte[] BigEndian(int v) => new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v };

    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }

    [Fact]
    public void Item5_AnImageWhoseHeaderClaimsTooManyPixelsIsNamedOrSkippedNeverDecoded()
    {
        string root = ImageFolderDataset("huge", new[] { "cat", "dog" }, new[] { "cat", "dog" });
        string huge = Path.Combine(root, "train", "cat", "huge.png");
        File.WriteAllBytes(huge, PngHeader(100_000, 100_000));
        string run = Path.Combine(_dir, "huge-run");
        var refused = Run("train", "--dataset", "folder", "--image-size", "32", "--data-dir", root, "--model", "fast-resnet", "--epochs", "1", "--batch-size", "4", "--threads", "1", "--out", run);
        OneLineError(refused, 1, $"{huge}: its header claims 100000 × 100000 pixels, over the limit of 64 megapixels");
        var skipped = Run("train", "--dataset", "folder", "--image-size", "32", "--data-dir", root, "--model", "fast-resnet", "--epochs", "1", "--batch-size", "4", "--threads", "1", "--out", run, "--skip-corrupt", "--overwrite");
        Assert.True(skipped.Code == 0, skipped.Err);

        // The limit is configurable: 8×8 images pass 0.0001 megapixels (100 pixels), not 0.00005.
        OneLineError(Run("train", "--dataset", "folder", "--image-size", "32", "--data-dir", ImageFolderDataset("small", new[] { "a", "b" }, new[] { "a" }), "--max-image-megapixels", "0.00005", "--out", Path.Combine(_dir, "small-run")), 1, "over the limit of 5E-05 megapixels");
    }

    [Fact]
    public void Items8And9_ThreadsAndSubsetOutsideTheirRangesAreUsageErrorsNamingTheRange()
    {
        OneLineError(Run(Train(Path.Combine(_dir, "t"), "--threads", "1000")), 2, $"--threads must be between 0 (all) and the {Environment.ProcessorCount} processors here; got 1000.");
        OneLineError(Run(Train(Path.Combine(_dir, "s1"), "--train-subset", "1000000")), 2, "--train-subset must be between 10 (one image per class) and 40 (the training images of");
        OneLineError(Run(Train(Path.Combine(_dir, "s2"), "--train-subset", "5")), 2, "got 5.");
        OneLineError(Run("eval", "--run", _dir, "--threads", "1000"), 2, "--threads must be between 0");
    }

    [Theory]
    [InlineData("--epochs must be ≥ 1; got 0.", "--epochs", "0")]
    [InlineData("--batch-size must be ≥ 1; got 0.", "--batch-size", "0")]
    [InlineData("--lr must be positive; got NaN.", "--lr", "nan")]
    [InlineData("--alpha must be ≥ 0; got -1.", "--alpha", "-1")]
    [InlineData("--prob must be in [0, 1]; got 2.", "--prob", "2")]
    [InlineData("--model must be one of", "--model", "resnet9000")]
    [InlineData("--dataset must be fashion-mnist, mnist, cifar10, cifar100, folder or list; got 'imagenet'.", "--dataset", "imagenet")]
    [InlineData("--device must be cpu or cuda; got 'tpu'.", "--device", "tpu")]
    [InlineData("--method must be one of", "--method", "dropout")]
    [InlineData("--schedule must be constant, step, multistep or cosine; got 'linear'.", "--schedule", "linear")]
    [InlineData("--milestones must be increasing 1-based epochs; got 5,2.", "--milestones", "5,2")]
    public void Items10And15_EveryBadOptionValueIsAUsageErrorWithExitCode2(string expected, string flag, string value)
    {
        OneLineError(Run(Train(Path.Combine(_dir, "never"), flag, value)), 2, expected);
        Assert.False(Directory.Exists(Path.Combine(_dir, "never")));
    }

    [Fact]
    public void Item11_MessagesCarryNoDotNetSuffixesAndACorruptGzipIsNamed()
    {
        var e = new ArgumentOutOfRangeException("total", 5, "a stratified subset needs between 10 and 40 samples; got 5.");
        Assert.Equal("a stratified subset needs between 10 and 40 samples; got 5.", MixupSharp.Cli.ErrorText.OneLine(e));
        Assert.Equal("bad name.", MixupSharp.Cli.ErrorText.OneLine(new ArgumentException("bad name.", "name")));

        string data = Path.Combine(_dir, "gzip");
        DataFiles.WriteIdx(data, 20, 10, gzip: true);
        string images = Path.Combine(data, "train-images-idx3-ubyte.gz");
        var bytes = File.ReadAllBytes(images);
        bytes[2] = 0x07;   // the compression method byte: not deflate
        File.WriteAllBytes(images, bytes);
        var result = Run("train", "--dataset", "fashion-mnist", "--data-dir", data, "--epochs", "1", "--out", Path.Combine(_dir, "gz-run"));
        OneLineError(result, 1, $"{images}: not a valid gzip file, or it is corrupt or truncated.");
        Assert.DoesNotContain("unsupported compression method", result.Err);
    }

    [Fact]
    public void Item12_PathErrorsSayWhatIsWrongWithThePath()
    {
        string file = Path.Combine(_dir, "afile");
        File.WriteAllText(file, "x");
        OneLineError(Run(Train(Path.Combine(file, "sub"))), 1, $"cannot be created: {file} is a file, not a folder.");
        OneLineError(Run(Train("/proc/mixupsharp-run")), 1, "the run folder /proc/mixupsharp-run cannot be created or written to");
        OneLineError(Run("eval", "--run", _dir, "--json", _dir), 2, $"--json {_dir} is a folder; give the path of a file to write.");
    }

    /// <summary>Puts a folder where the checkpoint's temporary file goes, just before the second epoch's checkpoint.</summary>
    private sealed class BlockSecondCheckpoint : ITrainingSink
    {
        private readonly string _run;

        public BlockSecondCheckpoint(string run) => _run = run;

        public void OnEpoch(EpochReport report)
        {
            if (report.Metrics.Epoch == 2)
            {
                Directory.CreateDirectory(Path.Combine(_run, ".checkpoint.bin.tmp"));
            }
        }
    }


    [Fact]
    public void Item12_ACheckpointThatCannotBeWrittenSaysSoAndThePreviousOneStaysIntact()
    {
        string run = Path.Combine(_dir, "blocked");
        var options = new TrainingOptions { Dataset = TrainingDataset.Cifar10, DataDir = _data, Model = "fast-resnet", BatchSize = 16, Epochs = 2, Threads = 1, OutDir = run };
        var e = Assert.Throws<IOException>(() => new Trainer(options, new SilentObserver(), new BlockSecondCheckpoint(run)).Run(resume: false));
        Assert.Contains("the checkpoint of epoch 2 was not saved", e.Message);
        Assert.Contains($"the previous checkpoint in {Path.Combine(run, "checkpoint.bin")} is intact", e.Message);
        Directory.Delete(Path.Combine(run, ".checkpoint.bin.tmp"));
        Assert.Equal(RunOutcome.Completed, new Trainer(options, new SilentObserver()).Run(resume: true));   // epoch 1's checkpoint resumes
        Assert.Equal(2, new RunFolder(run).ReadSummary()!.Epochs);
    }

    [Fact]
    public void Item13_AFailedDownloadLeavesNoEmptyFolderBehind()
    {
        string target = Path.Combine(_dir, "download-target");
        using var http = new System.Net.Http.HttpClient(new RefusingHandler());
        Assert.ThrowsAny<Exception>(() => new DatasetDownloader(http).DownloadAsync(DatasetKind.FashionMnist, target).GetAwaiter().GetResult());
        Assert.False(Directory.Exists(target));
    }

    private sealed class RefusingHandler : System.Net.Http.HttpMessageHandler
    {
        protected override System.Threading.Tasks.Task<System.Net.Http.HttpResponseMessage> SendAsync(System.Net.Http.HttpRequestMessage request, System.Threading.CancellationToken cancellationToken) =>
            System.Threading.Tasks.Task.FromResult(new System.Net.Http.HttpResponseMessage(System.Net.HttpStatusCode.NotFound));
    }

    [Fact]
    public void Item14_CompareRefusesArraysAsValuesAndWarnsWithoutItsBaseline()
    {
        string grid = Path.Combine(_dir, "grid.json");
        File.WriteAllText(grid, """[{"name": "a", "method": "mixup", "lr": [0.1]}]""");
        OneLineError(Run("compare", "--variants", grid, "--out", Path.Combine(_dir, "cmp")), 2, "'lr' is an array, but it takes one value");
        File.WriteAllText(grid, """[{"name": "mixup", "method": "mixup", "milestones": [1]}]""");
        var result = Run("compare", "--variants", grid, "--seeds", "1", "--out", Path.Combine(_dir, "cmp"), "--dataset", "cifar10", "--data-dir", _data, "--model", "fast-resnet", "--batch-size", "16", "--epochs", "1", "--threads", "1");
        Assert.True(result.Code == 0, result.Err + result.Out);
        Assert.Contains("warning: no variant is named 'erm' (--baseline), so no p-values are computed.", result.Out);
        string markdown = File.ReadAllText(Path.Combine(_dir, "cmp", "results.md"));
        Assert.Contains("no p-values: no variant is named 'erm'", markdown);
        Assert.DoesNotContain("against 'erm'", markdown);
    }

    [Fact]
    public void Item16_ANewRunInAFolderWithAnotherRunsFilesIsRefusedUnlessOverwrite()
    {
        string run = Path.Combine(_dir, "leftover");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "config.json"), "{}");
        File.WriteAllText(Path.Combine(run, "events.out.tfevents.1.old"), "old");
        File.WriteAllText(Path.Combine(run, "notes.txt"), "mine");
        OneLineError(Run(Train(run)), 1, "holds files of another run (config.json, events.out.tfevents.1.old); choose another --out, or pass --overwrite");
        var replaced = Run(Train(run, "--overwrite"));
        Assert.True(replaced.Code == 0, replaced.Err);
        Assert.False(File.Exists(Path.Combine(run, "events.out.tfevents.1.old")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(run, "notes.txt")));   // only a run's own files are replaced
    }
}
