using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using MixupSharp.Cli;
using MixupSharp.Training.Models;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using MixupSharp.Training;
using TorchSharp;
using MixupSharp.Composite;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Options;
using MixupSharp.Training.Sinks;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Training;

/// <summary>Short real runs on tiny generated CIFAR-format data.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class TrainerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-train-").FullName;
    private readonly string _data;

    public TrainerTests()
    {
        _data = Path.Combine(_dir, "data");
        DataFiles.WriteCifar10(_data, perBatch: 12, testCount: 20);   // 60 train, 20 test images
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private TrainingOptions Options(string name, string method = "erm", int epochs = 1) => new()
    {
        Dataset = TrainingDataset.Cifar10,
        DataDir = _data,
        Model = "fast-resnet",
        Method = KnownMethods.Parse(method),
        Epochs = epochs,
        BatchSize = 16,
        LearningRate = 0.05,
        Seed = 3,
        OutDir = Path.Combine(_dir, name),
    };

    private sealed class Recorder : ITrainingObserver
    {
        private readonly Action<long>? _onStep;

        public Recorder(Action<long>? onStep = null) => _onStep = onStep;

        public List<double> Losses { get; } = new();

        public List<EpochMetrics> Epochs { get; } = new();

        public void OnStep(int epoch, int epochs, long step, long steps, double loss, double imagesPerSecond, TimeSpan elapsed)
        {
            Losses.Add(loss);
            _onStep?.Invoke(step);
        }

        public void OnEpoch(EpochMetrics metrics, int epochs) => Epochs.Add(metrics);

        public void Info(string message)
        {
        }
    }

    public static IEnumerable<object[]> MethodNames() => KnownMethods.Names.Select(m => new object[] { m });

    [Theory]
    [MemberData(nameof(MethodNames))]
    public void EveryMethodTrainsWithAFiniteLoss(string method)
    {
        var recorder = new Recorder();
        var outcome = new Trainer(Options(method, method) with { Insertion = method == "mask-distort-mix" ? SyntheticInsertion.Append : SyntheticInsertion.Replace }, recorder).Run(resume: false);
        Assert.Equal(RunOutcome.Completed, outcome);
        Assert.Equal(4, recorder.Losses.Count);   // 60 images / 16 = 4 steps
        Assert.All(recorder.Losses, l => Assert.True(double.IsFinite(l) && l > 0));
        Assert.InRange(Assert.Single(recorder.Epochs).Test.Error, 0, 1);
    }

    [Fact]
    public void JsdWeightAddsTheConsistencyTermAndStillTrains()
    {
        var recorder = new Recorder();
        new Trainer(Options("jsd", "mixup") with { JsdWeight = 12 }, recorder).Run(resume: false);
        Assert.All(recorder.Losses, l => Assert.True(double.IsFinite(l)));
    }

    private static byte[] ModelBytes(string runDir)
    {
        // The weights alone (a method's own modules add optimizer groups this plain optimizer would not fit; what they do
        // to training shows in these weights after the resumed epoch).
        using var model = new FastResNet(3, 10);
        Checkpoint.Load(Path.Combine(runDir, "checkpoint.bin"), model, optimizer: null);
        return model.parameters().SelectMany(p => T.Bytes(p)).ToArray();
    }

    private static string[] DeterministicMetrics(string runDir) =>
        File.ReadAllLines(Path.Combine(runDir, "metrics.csv")).Select(l => string.Join(",", l.Split(',').Take(6))).ToArray();

    [Fact]
    public void TwoEpochsStraightEqualOneEpochThenResumeToTwo()
    {
        // A schedule that does not depend on the total epoch count (cosine does: extending a cosine run bends its curve).
        TrainingOptions Make(string name, int epochs) => Options(name, "mixup", epochs) with { Schedule = ScheduleKind.MultiStep, Milestones = new[] { 1 } };
        var straight = Make("straight", 2);
        new Trainer(straight, new Recorder()).Run(resume: false);

        var split = Make("split", 1);
        new Trainer(split, new Recorder()).Run(resume: false);
        new Trainer(split with { Epochs = 2 }, new Recorder()).Run(resume: true);

        Assert.Equal(ModelBytes(straight.OutDir), ModelBytes(split.OutDir));
        Assert.Equal(DeterministicMetrics(straight.OutDir), DeterministicMetrics(split.OutDir));
    }

    [Fact]
    public void ACosineRunStoppedAtAnEpochBoundaryResumesExactly()
    {
        var straight = Options("cos-straight", "mixup-cutmix", epochs: 2);
        new Trainer(straight, new Recorder()).Run(resume: false);

        var stopped = Options("cos-stopped", "mixup-cutmix", epochs: 2);
        using var stop = new CancellationTokenSource();
        int steps = 0;
        new Trainer(stopped, new Recorder(_ => { if (++steps == 4) { stop.Cancel(); } })).Run(resume: false, stop.Token);
        new Trainer(stopped, new Recorder()).Run(resume: true);
        Assert.Equal(ModelBytes(straight.OutDir), ModelBytes(stopped.OutDir));
        Assert.Equal(DeterministicMetrics(straight.OutDir), DeterministicMetrics(stopped.OutDir));
    }

    [Theory]
    [InlineData("cutmix")]
    [InlineData("puzzlemix")]   // its draw depends on the model's saliency, so the model and the generator must both resume exactly
    [InlineData("automix")]     // its Mix Block, momentum encoder and their optimizer group must resume exactly too
    public void AStopMidEpochSavesThePositionAndResumingContinuesFromThatStep(string method)
    {
        var straight = Options("straight2", method, epochs: 2);
        new Trainer(straight, new Recorder()).Run(resume: false);

        var stopped = Options("stopped", method, epochs: 2);
        using var stop = new CancellationTokenSource();
        int steps = 0;
        var outcome = new Trainer(stopped, new Recorder(_ => { if (++steps == 6) { stop.Cancel(); } })).Run(resume: false, stop.Token);
        Assert.Equal(RunOutcome.Interrupted, outcome);
        Assert.Contains("\"completed\": false", File.ReadAllText(Path.Combine(stopped.OutDir, "summary.json")));

        var resumed = new Recorder();
        Assert.Equal(RunOutcome.Completed, new Trainer(stopped, resumed).Run(resume: true));
        Assert.Equal(2, resumed.Losses.Count);   // epoch 2 had 2 of its 4 steps left
        Assert.Equal(ModelBytes(straight.OutDir), ModelBytes(stopped.OutDir));
        Assert.Equal(DeterministicMetrics(straight.OutDir), DeterministicMetrics(stopped.OutDir));
    }

    [Fact]
    public void ACorruptCheckpointIsRejectedWithAClearError()
    {
        var options = Options("corrupt");
        new Trainer(options, new Recorder()).Run(resume: false);
        string path = Path.Combine(options.OutDir, "checkpoint.bin");
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<CheckpointException>(() => new Trainer(options with { Epochs = 2 }, new Recorder()).Run(resume: true));
        Assert.Contains("corrupt checkpoint", e.Message);
        Assert.Contains(path, e.Message);
        File.WriteAllBytes(path, bytes.Take(20).ToArray());
        Assert.Contains("not a MixupSharp checkpoint", Assert.Throws<CheckpointException>(() => new Trainer(options with { Epochs = 2 }, new Recorder()).Run(resume: true)).Message);
    }

    [Fact]
    public void TheRunFolderHoldsEveryFileAndRefusesToBeOverwritten()
    {
        var options = Options("files", "mixup", epochs: 2);
        new Trainer(options, new Recorder()).Run(resume: false);
        foreach (var file in new[] { "config.json", "metrics.csv", "summary.json", "reliability.json", "checkpoint.bin" })
        {
            Assert.True(File.Exists(Path.Combine(options.OutDir, file)), file);
        }

        foreach (var png in new[] { "learning-curves.png", "reliability.png", "augmented-samples.png" })
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(options.OutDir, png));
            Assert.True(bytes.Length > 1000, $"{png} is only {bytes.Length} bytes");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes.Take(4));
        }

        // One event file per sitting (TorchSharp's SummaryWriter), read back record by record with its CRCs: every
        // epoch's scalars with their values, per-class accuracy, a histogram per parameter, and the samples picture.
        var values = EventFiles.Values(Assert.Single(Directory.GetFiles(options.OutDir, "events.out.tfevents.*")));
        var errors = values.Where(v => v.Tag == "test/error").ToList();
        Assert.Equal(new long[] { 1, 2 }, errors.Select(v => v.Step));
        Assert.All(errors, v => Assert.Equal("scalar", v.Kind));
        var rows = File.ReadAllLines(Path.Combine(options.OutDir, "metrics.csv")).Skip(1).Select(l => double.Parse(l.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(rows.Select(r => (float)r), errors.Select(v => v.Scalar));
        Assert.Contains(values, v => v.Tag == "test/accuracy/airplane" && v.Kind == "scalar");
        Assert.Contains(values, v => v.Tag == "augmented_samples" && v.Kind == "image");
        var histograms = values.Where(v => v.Kind == "histogram" && v.Tag.StartsWith("weights/", StringComparison.Ordinal)).ToList();
        Assert.True(histograms.Count >= 2 * 4, $"expected a histogram per parameter per epoch; got {histograms.Count}");
        Assert.Equal(3, File.ReadAllLines(Path.Combine(options.OutDir, "metrics.csv")).Length);
        string summary = File.ReadAllText(Path.Combine(options.OutDir, "summary.json"));
        foreach (var key in new[] { "test_error", "test_nll", "test_ece", "best_test_error", "best_epoch", "epochs", "train_seconds", "images_per_second", "completed", "config_hash" })
        {
            Assert.Contains($"\"{key}\"", summary);
        }

        Assert.Contains("\"completed\": true", summary);
        using (var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(options.OutDir, "config.json"))))
        {
            // The normalization trained with is recorded, so eval applies exactly it (a folder's statistics depend on the subset).
            var normalization = config.RootElement.GetProperty("derived").GetProperty("normalization");
            Assert.Equal(3, normalization.GetProperty("mean").GetArrayLength());
            Assert.Equal(3, normalization.GetProperty("std").GetArrayLength());
        }
        Assert.Contains("already holds a run", Assert.Throws<ArgumentException>(() => new Trainer(options, new Recorder()).Run(resume: false)).Message);
    }

    [Fact]
    public void ADivergingLossStopsTheRunWithAClearMessage()
    {
        var options = Options("nan") with { LearningRate = 1e30, Momentum = 0, WeightDecay = 0, Schedule = ScheduleKind.Constant };
        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(options with { Epochs = 3 }, new Recorder()).Run(resume: false));
        Assert.Contains("lower --lr", e.Message);
    }

    [Fact]
    public void NoisyLabelsReportTheMemorizedFraction()
    {
        var recorder = new Recorder();
        new Trainer(Options("noise") with { LabelNoise = 0.5 }, recorder).Run(resume: false);
        Assert.InRange(Assert.Single(recorder.Epochs).MemorizedFraction!.Value, 0, 1);
    }
}

public sealed class EvaluationAndModelTests
{
    [Fact]
    public void EceIsComputedFromHandMadePredictions()
    {
        // 4 predictions: confidences 0.95 (right), 0.95 (wrong), 0.55 (right), 0.2 (wrong).
        // Bins of width 1/15: 0.95 → bin 14 (acc 0.5, conf 0.95); 0.55 → bin 8 (acc 1, conf 0.55); 0.2 → bin 3 (acc 0, conf 0.2).
        // ECE = 2/4·0.45 + 1/4·0.45 + 1/4·0.2 = 0.3875.
        var result = Evaluation.FromPredictions(new[] { 0.95, 0.95, 0.55, 0.2 }, new[] { true, false, true, false }, new long[] { 0, 1, 0, 1 }, 1.0, 2);
        Assert.Equal(0.3875, result.Ece, 12);
        Assert.Equal(0.5, result.Error);
        Assert.Equal(new[] { 1.0, 0.0 }, result.PerClassAccuracy);
        Assert.Equal(15, result.Reliability.Count);
        Assert.Equal(2, result.Reliability[14].Count);
        Assert.Equal(0, result.Reliability[0].Count);
    }

    [Fact]
    public void ErrorAndNllFromLogitsMatchTheirDefinitions()
    {
        using var logits = torch.tensor(new float[] { 2, 0, 0, 1 }).reshape(2, 2);
        using var labels = torch.tensor(new long[] { 0, 0 });
        var r = Evaluation.FromLogits(logits, labels, 2);
        Assert.Equal(0.5, r.Error);
        double expected = (-Math.Log(Math.Exp(2) / (Math.Exp(2) + 1)) - Math.Log(1 / (1 + Math.E))) / 2;
        Assert.Equal(expected, r.Nll, 6);
    }

    [Theory]
    [InlineData("seednet", 1, 28)]
    [InlineData("fast-resnet", 3, 32)]
    [InlineData("preact-resnet18", 3, 32)]
    [InlineData("resnet18", 3, 32)]
    [InlineData("resnet50", 3, 40)]
    [InlineData("mobilenet-v3-large", 3, 32)]
    [InlineData("convnext-tiny", 3, 32)]
    [InlineData("deit-tiny", 3, 32)]
    [InlineData("vit-b-16", 1, 48)]
    public void ModelsGiveLogitsAndEveryMixablePointSplitsTheForwardPass(string name, int channels, int size)
    {
        using var model = ModelFactory.Create(name, channels, size, 10);
        Assert.All(model.state_dict(), kv => Assert.True(torch.isfinite(kv.Value).all().item<bool>(), $"{kv.Key} is not finite at initialization"));
        model.eval();
        using var x = torch.rand(2, channels, size, size);
        using var logits = model.call(x);
        Assert.Equal(new long[] { 2, 10 }, logits.shape);
        for (int point = 0; point < model.MixablePoints; point++)
        {
            using var hidden = model.ForwardTo(x, point);
            T.Close(logits, model.ForwardFrom(hidden, point), 1e-5);
        }

        Assert.Contains("expects images", Assert.ThrowsAny<ArgumentException>(() => model.call(torch.rand(2, channels + 1, size, size))).Message);
    }

    [Fact]
    public void PreActResNet18HasTheMixupPapersSize()
    {
        using var model = new PreActResNet18(3, 10);
        long parameters = model.parameters().Sum(p => p.numel());
        Assert.InRange(parameters, 11_100_000, 11_300_000);   // ≈ 11.17M
    }
}

public sealed class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void HelpListsEveryFlagTheIssueNames()
    {
        var (code, text, _) = Run("train", "--help");
        Assert.Equal(0, code);
        foreach (var flag in new[] { "--dataset", "--data-dir", "--model", "--method", "--alpha", "--prob", "--switch-prob", "--label-smoothing", "--epochs", "--batch-size", "--lr", "--momentum", "--weight-decay", "--schedule", "--train-subset", "--label-noise", "--seed", "--threads", "--device", "--out", "--resume", "--jsd-weight", "--mixup-off-epoch", "--no-standard-aug" })
        {
            Assert.Contains(flag + " ", text);
        }

        Assert.Contains("verbs:", Run("--help").Out);
        Assert.Contains("--download", Run("datasets", "--help").Out);
    }

    [Theory]
    [InlineData("unknown option '--colour'", "train", "--colour", "red")]
    [InlineData("--epochs needs N; got 'ten'", "train", "--epochs", "ten")]
    [InlineData("--lr needs a value", "train", "--lr")]
    [InlineData("--method must be one of", "train", "--method", "dropout", "--out", "/tmp/never")]
    [InlineData("--prob must be in [0, 1]", "train", "--prob", "1.5", "--out", "/tmp/never")]
    [InlineData("--schedule must be", "train", "--schedule", "linear")]
    [InlineData("unknown verb 'fly'", "fly")]
    [InlineData("no config.json", "train", "--resume", "/nonexistent/run")]
    public void BadArgumentsGiveOneLineAndANonZeroExitCode(string message, params string[] args)
    {
        var (code, _, err) = Run(args);
        Assert.NotEqual(0, code);
        Assert.Contains(message, err);
        Assert.StartsWith("error: ", err);
        Assert.DoesNotContain("   at ", err);   // no stack trace
    }
}

public sealed class PlotTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-png-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AnImageGridPutsEachImageInItsCellAtTheGivenScale()
    {
        // Two 1×2×2 images: all black and all white, side by side at scale 2 → a 8×4 PNG.
        using var images = torch.cat(new[] { torch.zeros(1, 1, 2, 2), torch.ones(1, 1, 2, 2) });
        string path = Path.Combine(_dir, "grid.png");
        MixupSharp.Training.Reports.RunPlots.ImageGrid(images, path, columns: 2, scale: 2);
        using var bitmap = SkiaSharp.SKBitmap.Decode(path);
        Assert.Equal((8, 4), (bitmap.Width, bitmap.Height));
        Assert.Equal(SkiaSharp.SKColors.Black, bitmap.GetPixel(3, 3));
        Assert.Equal(SkiaSharp.SKColors.White, bitmap.GetPixel(4, 0));
    }
}

/// <summary>Reads TensorBoard event files as TensorBoard does: TFRecord framing with masked CRC-32C, then Event protobufs.</summary>
public static class EventFiles
{
    /// <summary>One summary value: its tag, its kind (scalar, image, histogram) and, for scalars, the value.</summary>
    public sealed record Value(long Step, string Tag, string Kind, float Scalar);

    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }

    public static uint Masked(ReadOnlySpan<byte> data)
    {
        uint c = Crc32C(data);
        return ((c >> 15) | (c << 17)) + 0xa282ead8u;
    }

    /// <summary>The records of an event file, each checked against its two CRCs.</summary>
    public static List<byte[]> Records(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        var records = new List<byte[]>();
        int at = 0;
        while (at < file.Length)
        {
            Assert.Equal(Masked(file.AsSpan(at, 8)), BitConverter.ToUInt32(file, at + 8));
            int n = (int)BitConverter.ToUInt64(file, at);
            Assert.Equal(Masked(file.AsSpan(at + 12, n)), BitConverter.ToUInt32(file, at + 12 + n));
            records.Add(file.AsSpan(at + 12, n).ToArray());
            at += 12 + n + 4;
        }

        return records;
    }

    private static long Varint(byte[] b, ref int i)
    {
        long v = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte x = b[i++];
            v |= (long)(x & 0x7f) << shift;
            if ((x & 0x80) == 0)
            {
                return v;
            }
        }
    }

    /// <summary>The fields of a protobuf message: (field number, wire type, payload bytes or varint value).</summary>
    private static IEnumerable<(int Field, int Wire, byte[] Bytes, long Number)> Fields(byte[] message)
    {
        int i = 0;
        while (i < message.Length)
        {
            long key = Varint(message, ref i);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0:
                    yield return (field, wire, Array.Empty<byte>(), Varint(message, ref i));
                    break;
                case 1:
                    yield return (field, wire, message.AsSpan(i, 8).ToArray(), 0);
                    i += 8;
                    break;
                case 2:
                    int n = (int)Varint(message, ref i);
                    yield return (field, wire, message.AsSpan(i, n).ToArray(), 0);
                    i += n;
                    break;
                case 5:
                    yield return (field, wire, message.AsSpan(i, 4).ToArray(), 0);
                    i += 4;
                    break;
                default:
                    throw new InvalidDataException($"wire type {wire}");
            }
        }
    }

    /// <summary>Every summary value of every event in the file (Event.step = 2, Event.summary = 5, Summary.value = 1; Value.tag = 1, simple_value = 2, image = 4, histo = 5).</summary>
    public static List<Value> Values(string path)
    {
        var values = new List<Value>();
        foreach (var record in Records(path))
        {
            var fields = Fields(record).ToList();
            long step = fields.Where(f => f.Field == 2 && f.Wire == 0).Select(f => f.Number).FirstOrDefault();
            foreach (var summary in fields.Where(f => f.Field == 5 && f.Wire == 2))
            {
                foreach (var value in Fields(summary.Bytes).Where(f => f.Field == 1 && f.Wire == 2))
                {
                    var parts = Fields(value.Bytes).ToList();
                    string tag = Encoding.UTF8.GetString(parts.First(p => p.Field == 1).Bytes);
                    string kind = parts.Any(p => p.Field == 2) ? "scalar" : parts.Any(p => p.Field == 4) ? "image" : parts.Any(p => p.Field == 5) ? "histogram" : "other";
                    float scalar = parts.Where(p => p.Field == 2 && p.Wire == 5).Select(p => BitConverter.ToSingle(p.Bytes)).FirstOrDefault();
                    values.Add(new Value(step, tag, kind, scalar));
                }
            }
        }

        return values;
    }
}

public sealed class TensorBoardTests
{
    [Fact]
    public void TheCrcIsCastagnolisCheckValue() => Assert.Equal(0xE3069283u, EventFiles.Crc32C(Encoding.ASCII.GetBytes("123456789")));

    [Theory]
    [InlineData(2, 2, 1)]      // short runs: every epoch
    [InlineData(50, 50, 1)]
    [InlineData(200, 50, 4)]   // long runs: every 4th, 50 in all, the last among them
    [InlineData(101, 34, 3)]   // every 3rd (33) and the last
    public void WeightHistogramsAreThinnedToAtMostFiftyEpochsAndIncludeTheLast(int epochs, int expected, int every)
    {
        var written = Enumerable.Range(1, epochs).Where(e => TensorBoardSink.WritesHistograms(e, epochs)).ToList();
        Assert.Equal(expected, written.Count);
        Assert.Equal(epochs, written[^1]);
        Assert.Equal(every, written[0]);
    }
}
