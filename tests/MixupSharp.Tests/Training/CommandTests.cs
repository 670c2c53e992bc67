using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using MixupSharp.Training.Reports;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using MixupSharp.Training;
using SkiaSharp;
using TorchSharp;
using MixupSharp.Training.Grids;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Options;
using Xunit;

namespace MixupSharp.Tests.Training;

/// <summary>The eval, compare and preview verbs on tiny generated CIFAR-format data.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class CommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-cmd-").FullName;
    private readonly string _data;

    public CommandTests()
    {
        _data = Path.Combine(_dir, "data");
        DataFiles.WriteCifar10(_data, perBatch: 8, testCount: 12);   // 40 train, 12 test images
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    private string[] Shared(params string[] more) =>
        new[] { "--dataset", "cifar10", "--data-dir", _data, "--model", "fast-resnet", "--batch-size", "16", "--threads", "2" }.Concat(more).ToArray();

    private string Variants(string json)
    {
        string path = Path.Combine(_dir, "grid.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void CompareTrainsTheGridThenSkipsFinishedRunsAndExtendsThemWhenAskedForMoreEpochs()
    {
        string grid = Variants("""[{"name": "erm", "method": "erm"}, {"name": "mixup-a2", "method": "mixup", "alpha": 2}]""");
        string outDir = Path.Combine(_dir, "cmp");
        var first = Run(new[] { "compare", "--variants", grid, "--seeds", "1,2", "--out", outDir, "--epochs", "1" }.Concat(Shared()).ToArray());
        Assert.True(first.Code == 0, first.Err + first.Out);
        Assert.Equal(4, CountOf(first.Out, ": starting"));
        foreach (var file in new[] { "results.md", "results.csv", "runs.csv", "test-error.png", "test-nll.png", "train-loss.png", "reliability.png" })
        {
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        }

        string checkpoint = Path.Combine(outDir, "mixup-a2", "s2", "checkpoint.bin");
        var written = File.GetLastWriteTimeUtc(checkpoint);
        byte[] bytes = File.ReadAllBytes(checkpoint);

        // Again: every run completed, so nothing trains and the checkpoints are untouched.
        var second = Run(new[] { "compare", "--variants", grid, "--seeds", "1,2", "--out", outDir, "--epochs", "1" }.Concat(Shared()).ToArray());
        Assert.Equal(0, second.Code);
        Assert.Equal(4, CountOf(second.Out, "completed, skipped"));
        Assert.DoesNotContain("epoch 1/1:", second.Out);
        Assert.Equal(written, File.GetLastWriteTimeUtc(checkpoint));
        Assert.Equal(bytes, File.ReadAllBytes(checkpoint));

        // More epochs: each run continues from its checkpoint.
        var third = Run(new[] { "compare", "--variants", grid, "--seeds", "1,2", "--out", outDir, "--epochs", "2" }.Concat(Shared()).ToArray());
        Assert.Equal(0, third.Code);
        Assert.Equal(4, CountOf(third.Out, "resuming from its checkpoint"));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "erm", "s1", "summary.json")));
        Assert.Equal(2, summary.RootElement.GetProperty("epochs").GetInt32());

        // The report's statistics are those of the runs' summaries.
        double[] Errors(string variant) => new[] { 1, 2 }.Select(s =>
        {
            using var d = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, variant, $"s{s}", "summary.json")));
            return d.RootElement.GetProperty("test_error").GetDouble();
        }).ToArray();
        var row = File.ReadAllLines(Path.Combine(outDir, "results.csv")).Single(l => l.StartsWith("mixup-a2,mixup,test_error,", StringComparison.Ordinal)).Split(',');
        Assert.Equal(Statistics.Mean(Errors("mixup-a2")), double.Parse(row[4], CultureInfo.InvariantCulture), 12);
        var welch = Statistics.WelchTTest(Errors("mixup-a2"), Errors("erm"));
        if (double.IsNaN(welch.PValue))
        {
            Assert.Equal(string.Empty, row[6]);
        }
        else
        {
            Assert.Equal(welch.PValue, double.Parse(row[6], CultureInfo.InvariantCulture), 12);
        }

        Assert.Contains("| mixup-a2 | mixup | 2/2 |", File.ReadAllText(Path.Combine(outDir, "results.md")));
    }

    [Fact]
    public void AStoppedGridResumesTheUnfinishedRunFromItsCheckpoint()
    {
        TrainingOptions Options(long seed) => new()
        {
            Dataset = TrainingDataset.Cifar10, DataDir = _data, Model = "fast-resnet", Method = KnownMethods.Parse("cutmix"), Epochs = 1, BatchSize = 16, Seed = seed,
            OutDir = Comparison.RunDirectory(Path.Combine(_dir, "grid"), "cutmix", seed),
        };
        var comparison = new Comparison(Path.Combine(_dir, "grid"), new[] { new ComparisonRun("cutmix", Options(1)), new ComparisonRun("cutmix", Options(2)) });
        using var stop = new CancellationTokenSource();
        var log = new List<string>();
        var outcome = comparison.RunAll(_ => new StopAfter(2, stop), log.Add, stop.Token);
        Assert.Equal(RunOutcome.Interrupted, outcome);
        Assert.Equal(ComparisonRunAction.Resumed, Comparison.Plan(comparison.Runs[0]));
        Assert.Equal(ComparisonRunAction.Started, Comparison.Plan(comparison.Runs[1]));

        log.Clear();
        Assert.Equal(RunOutcome.Completed, comparison.RunAll(_ => new StopAfter(int.MaxValue, null), log.Add));
        Assert.Contains("resuming from its checkpoint", log[0]);
        Assert.Contains("starting", log[1]);
        Assert.All(comparison.Runs, r => Assert.Equal(ComparisonRunAction.Skipped, Comparison.Plan(r)));
        Assert.Equal(2, comparison.Summarize().Single()["test_error"]!.Count);

        // A variant whose settings changed since it ran is refused, not silently mixed in.
        var changed = new ComparisonRun("cutmix", Options(1) with { Alpha = 0.5 });
        Assert.Contains("changed since it ran", Assert.Throws<ArgumentException>(() => Comparison.Plan(changed)).Message);
    }

    private sealed class StopAfter : ITrainingObserver
    {
        private readonly int _steps;
        private readonly CancellationTokenSource? _stop;

        public StopAfter(int steps, CancellationTokenSource? stop)
        {
            _steps = steps;
            _stop = stop;
        }

        public void OnStep(int epoch, int epochs, long step, long steps, double loss, double imagesPerSecond, TimeSpan elapsed)
        {
            if (step >= _steps)
            {
                _stop?.Cancel();
            }
        }

        public void OnEpoch(EpochMetrics metrics, int epochs)
        {
        }

        public void Info(string message)
        {
        }
    }

    [Fact]
    public void CompareRejectsBadGridFilesWithOneLine()
    {
        Assert.Contains("no such file", Run("compare", "--variants", Path.Combine(_dir, "none.json")).Err);
        Assert.Contains("not valid JSON", Run("compare", "--variants", Variants("[{")).Err);
        Assert.Contains("variant 1 needs a \"name\"", Run("compare", "--variants", Variants("""[{"method": "mixup"}]""")).Err);
        Assert.Contains("two variants are named 'a'", Run("compare", "--variants", Variants("""[{"name": "a"}, {"name": "a"}]""")).Err);
        var badMethod = Run("compare", "--variants", Variants("""[{"name": "a", "method": "dropout"}]"""), "--out", Path.Combine(_dir, "never"));
        Assert.Equal(2, badMethod.Code);   // every option's validation is a usage error (reliability item 10)
        Assert.Contains("--method must be one of", badMethod.Err);
        var badKey = Run("compare", "--variants", Variants("""[{"name": "a", "colour": "red"}]"""));
        Assert.Equal(2, badKey.Code);
        Assert.Contains("variant 'a': unknown option '--colour'", badKey.Err);
        Assert.Contains("compare sets itself", Run("compare", "--variants", Variants("""[{"name": "a", "seed": 3}]""")).Err);
        Assert.Equal(2, Run("compare", "--variants", Variants("""[{"name": "a"}]"""), "--resume", "x").Code);
        Assert.Contains("--variants FILE", Run("compare", "--help").Out);
        Assert.DoesNotContain("   at ", Run("compare", "--variants", Variants("{}")).Err);
    }

    [Fact]
    public void EvalReportsCleanAndAttackedErrorsOfACheckpoint()
    {
        string run = Path.Combine(_dir, "run");
        Assert.Equal(0, Run(new[] { "train", "--method", "mixup", "--epochs", "1", "--out", run }.Concat(Shared()).ToArray()).Code);
        string json = Path.Combine(_dir, "eval.json");
        var (code, text, err) = Run("eval", "--run", run, "--fgsm", "0,8/255", "--json", json, "--threads", "2");
        Assert.True(code == 0, err);
        Assert.Contains("per-class accuracy:", text);
        Assert.Contains("FGSM eps 0.03137 (8/255)", text);

        using var result = JsonDocument.Parse(File.ReadAllText(json));
        var root = result.RootElement;
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json")));
        Assert.Equal(summary.RootElement.GetProperty("test_error").GetDouble(), root.GetProperty("error").GetDouble(), 12);
        Assert.Equal(summary.RootElement.GetProperty("test_nll").GetDouble(), root.GetProperty("nll").GetDouble(), 5);
        var attacks = root.GetProperty("fgsm").EnumerateArray().ToArray();
        Assert.Equal(root.GetProperty("error").GetDouble(), attacks[0].GetProperty("error").GetDouble(), 12);   // ε = 0 is no attack
        Assert.True(attacks[1].GetProperty("nll").GetDouble() > attacks[0].GetProperty("nll").GetDouble());
        Assert.Equal(10, root.GetProperty("per_class_accuracy").GetArrayLength());

        Assert.Equal(2, Run("eval").Code);
        Assert.Contains("not a run folder", Run("eval", "--run", _dir).Err);
        Assert.Contains("--fgsm sizes must be in [0, 1]", Run("eval", "--run", run, "--fgsm", "8").Err);
        Assert.Contains("--split must be test or train", Run("eval", "--run", run, "--split", "val").Err);
    }

    [Fact]
    public void APuzzleMixPreviewShowsTheBlockLabellingFromANewModelOrATrainedRun()
    {
        string png = Path.Combine(_dir, "puzzle.png");
        var (code, text, err) = Run("preview", "--dataset", "cifar10", "--data-dir", _data, "--method", "puzzlemix", "--count", "4", "--out", png);
        Assert.True(code == 0, err);
        using (var bitmap = SKBitmap.Decode(png))
        {
            Assert.True(bitmap.Height >= 3 * 32 * 4, $"{bitmap.Width}x{bitmap.Height}: originals, labelling and results need three rows");
        }

        Assert.Equal(4, CountOf(text, "(untrained)"));
        Assert.Matches(@"0: (2|4|8|16)×\1 λ [01]\.\d\d \(untrained\)", text);

        string run = Path.Combine(_dir, "puzzle-run");
        Assert.Equal(0, Run(new[] { "train", "--method", "puzzlemix", "--epochs", "1", "--out", run }.Concat(Shared()).ToArray()).Code);
        var (trainedCode, trainedText, trainedErr) = Run("preview", "--method", "puzzlemix", "--run", run, "--count", "4", "--out", png);
        Assert.True(trainedCode == 0, trainedErr);
        Assert.DoesNotContain("untrained", trainedText);
        Assert.Equal(4, CountOf(trainedText, " λ "));
    }

    [Fact]
    public void AnAutoMixPreviewNeedsATrainedRunAndShowsItsBlocksMask()
    {
        var missing = Run("preview", "--dataset", "cifar10", "--data-dir", _data, "--method", "automix");
        Assert.Equal(2, missing.Code);
        Assert.Contains("give --run DIR", missing.Err);

        string run = Path.Combine(_dir, "automix-run");
        Assert.Equal(0, Run(new[] { "train", "--method", "automix", "--epochs", "1", "--out", run }.Concat(Shared()).ToArray()).Code);
        string png = Path.Combine(_dir, "automix.png");
        var (code, text, err) = Run("preview", "--method", "automix", "--run", run, "--count", "4", "--out", png);
        Assert.True(code == 0, err);
        Assert.Equal(4, CountOf(text, " own "));
        using var bitmap = SKBitmap.Decode(png);
        Assert.True(bitmap.Height >= 3 * 32 * 4, $"{bitmap.Width}x{bitmap.Height}: originals, the mask and results need three rows");
    }

    [Fact]
    public void PreviewWritesAPngWithAnOriginalAndAResultPerSampleAndTheirLambdas()
    {
        string png = Path.Combine(_dir, "preview.png");
        var (code, text, err) = Run("preview", "--dataset", "cifar10", "--data-dir", _data, "--method", "mixup", "--alpha", "1", "--count", "6", "--out", png);
        Assert.True(code == 0, err);
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.True(bitmap.Width >= 6 * 32 * 4 && bitmap.Height >= 2 * 32 * 4, $"{bitmap.Width}x{bitmap.Height}");
        Assert.Equal(6, CountOf(text, "λ "));

        // The captions are the draws: with ERM nothing changes and the targets are one-hot.
        using var data = MixupSharp.Training.Data.DataLocator.Load(MixupSharp.Training.Data.DatasetKind.Cifar10, train: true, _data);
        using var generator = new torch.Generator(4);
        var erm = MethodPreview.Write(new TrainingOptions { Method = KnownMethods.Erm, OutDir = string.Empty }, data, 4, generator, Path.Combine(_dir, "erm.png"));
        Assert.All(erm, c => Assert.Equal("unchanged", c.Effect));
        Assert.All(erm, c => Assert.EndsWith(":1", c.Target));
        var mixup = MethodPreview.Write(new TrainingOptions { Method = KnownMethods.Mixup, OutDir = string.Empty }, data, 4, generator, Path.Combine(_dir, "mixup.png"));
        foreach (var c in mixup)
        {
            double lambda = double.Parse(c.Effect["λ ".Length..], CultureInfo.InvariantCulture);
            Assert.InRange(lambda, 0, 1);
            var weights = c.Target.Split(' ').Select(p => double.Parse(p.Split(':')[1], CultureInfo.InvariantCulture)).ToArray();
            if (weights.Length == 2)
            {
                Assert.Contains(weights, w => Math.Abs(w - lambda) < 0.006);   // the sample's own label weighs λ
                Assert.Equal(1, weights.Sum(), 1);
            }
        }

        Assert.Contains("count must be in [2", Run("preview", "--dataset", "cifar10", "--data-dir", _data, "--count", "1").Err);
    }

    [Fact]
    public void DatasetsGenerateWritesCifar10FilesTheLoaderReads()
    {
        string root = Path.Combine(_dir, "generated");
        var (code, text, err) = Run("datasets", "--generate", "cifar10", "--data-dir", root, "--per-batch", "3", "--test-count", "4");
        Assert.True(code == 0, err);
        Assert.Contains("15 train + 4 test records", text);
        using var train = MixupSharp.Training.Data.CifarFormat.LoadCifar10(root, train: true);
        using var test = MixupSharp.Training.Data.CifarFormat.LoadCifar10(root, train: false);
        Assert.Equal(15, train.Count);
        Assert.Equal(4, test.Count);
        Assert.Contains("needs --data-dir", Run("datasets", "--generate", "cifar10").Err);
    }

    [Theory]
    [InlineData("train", "--resume")]
    [InlineData("eval", "--fgsm")]
    [InlineData("compare", "--variants")]
    [InlineData("preview", "--count")]
    [InlineData("bench", "--memory-epochs")]
    [InlineData("datasets", "--download")]
    public void EveryVerbHasCompleteHelp(string verb, string flag)
    {
        var (code, text, _) = Run(verb, "--help");
        Assert.Equal(0, code);
        Assert.StartsWith($"usage: ./mixup {verb}", text);
        Assert.Contains(flag + " ", text);
        Assert.Contains(verb, Run("--help").Out);
    }

    private static int CountOf(string text, string what)
    {
        int count = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
