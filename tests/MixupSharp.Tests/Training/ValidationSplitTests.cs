using System;
using System.IO;
using System.Linq;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using MixupSharp.Training;
using MixupSharp.Training.Data;
using MixupSharp.Training.Grids;
using MixupSharp.Training.Options;
using MixupSharp.Training.Runs;
using TorchSharp;
using MixupSharp.Training.Reports;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Training;

/// <summary>--validation: a held-out set shared by every run of a study, the best-validation weights, the test set at the end, --early-stop.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class ValidationSplitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-validation-").FullName;
    private readonly string _data;

    public ValidationSplitTests()
    {
        _data = Path.Combine(_dir, "data");
        DataFiles.WriteCifar10(_data, perBatch: 12, testCount: 20);   // 60 train, 20 test images
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[] Shared(params string[] more) =>
        new[] { "--dataset", "cifar10", "--data-dir", _data, "--model", "fast-resnet", "--batch-size", "16", "--threads", "2" }.Concat(more).ToArray();

    [Fact]
    public void TheSplitIsStratifiedDisjointAndComplete()
    {
        using var images = torch.arange(200L, dtype: ScalarType.Byte).reshape(200, 1, 1, 1);
        using var labels = torch.arange(200L) % 4;
        using var data = new InMemoryDataset("d", images.alias(), labels.alias(), new[] { "a", "b", "c", "d" });
        using var g = new Generator(3);
        var (held, rest) = DatasetTransforms.StratifiedSplit(data, 40, g);
        using (held)
        using (rest)
        {
            Assert.Equal(new long[] { 10, 10, 10, 10 }, held.ClassCounts());
            Assert.Equal(160, rest.Count);
            var a = T.L(((InMemoryDataset)held).Images.flatten()).Concat(T.L(((InMemoryDataset)rest).Images.flatten())).OrderBy(v => v).ToArray();
            Assert.Equal(Enumerable.Range(0, 200).Select(v => (long)(byte)v).OrderBy(v => v).ToArray(), a);
        }
    }

    [Fact]
    public void EveryRunOfAStudySharesTheValidationSetWhateverItsSeedOrSubset()
    {
        RunData Load(long seed, long? subset) => RunData.Load(new TrainingOptions { Dataset = TrainingDataset.Cifar10, DataDir = _data, Validation = 20, Seed = seed, TrainSubset = subset });
        using var a = Load(1, null);
        using var b = Load(2, 30);
        T.SameBytes(((InMemoryDataset)a.Validation!).Images, ((InMemoryDataset)b.Validation!).Images);
        Assert.Equal(40, a.Train.Count);
        Assert.Equal(30, b.Train.Count);
        Assert.Equal(new long[] { 2, 2, 2, 2, 2, 2, 2, 2, 2, 2 }, a.Validation.ClassCounts());

        // Never trained on: no validation image is among the training images.
        var train = Enumerable.Range(0, (int)a.Train.Count).Select(i => Convert.ToBase64String(T.Bytes(((InMemoryDataset)a.Train).Images[i]))).ToHashSet();
        Assert.DoesNotContain(Enumerable.Range(0, 20).Select(i => Convert.ToBase64String(T.Bytes(((InMemoryDataset)a.Validation).Images[i]))), train.Contains);
        using var other = RunData.Load(new TrainingOptions { Dataset = TrainingDataset.Cifar10, DataDir = _data, Validation = 20, ValidationSeed = 7 });
        Assert.False(T.Bytes(((InMemoryDataset)other.Validation!).Images).SequenceEqual(T.Bytes(((InMemoryDataset)a.Validation).Images)));
    }

    [Fact]
    public void TheTestSetIsEvaluatedAtTheEndOnTheLastAndTheBestValidationWeights()
    {
        string run = Path.Combine(_dir, "val");
        var r = CliRunner.Run(new[] { "train", "--validation", "20", "--epochs", "3", "--out", run }.Concat(Shared()).ToArray());
        Assert.True(r.Code == 0, r.Err + r.Out);
        var folder = new RunFolder(run);
        var rows = folder.ReadMetrics();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, row => Assert.InRange(row["val_error"], 0, 1));
        Assert.True(double.IsNaN(rows[0]["test_error"]) && double.IsNaN(rows[1]["test_error"]), "the test set waits for the end");
        Assert.InRange(rows[2]["test_error"], 0, 1);
        Assert.True(File.Exists(folder.BestValidationModelPath));

        var summary = folder.ReadSummary()!;
        var v = summary.Validation!;
        Assert.Equal(20, v.Images);
        int best = Enumerable.Range(0, 3).OrderBy(i => rows[i]["val_error"]).ThenBy(i => i).First() + 1;
        Assert.Equal(best, v.BestEpoch);
        Assert.Equal(rows[best - 1]["val_error"], v.BestError!.Value, 6);
        Assert.InRange(v.BestTestError!.Value, 0, 1);
        Assert.Equal(rows[2]["test_error"], summary.TestError!.Value, 6);
        Assert.Contains("\"validation\": 20", File.ReadAllText(folder.ConfigPath));
        Assert.Contains("val error", r.Out);

        // --test-every: the test set every epoch, as without a validation set.
        string every = Path.Combine(_dir, "every");
        var e = CliRunner.Run(new[] { "train", "--validation", "20", "--test-every", "--epochs", "2", "--out", every }.Concat(Shared()).ToArray());
        Assert.True(e.Code == 0, e.Err + e.Out);
        Assert.All(new RunFolder(every).ReadMetrics(), row => Assert.InRange(row["test_error"], 0, 1));
    }

    [Fact]
    public void EarlyStopEndsTheRunWhenValidationStopsImprovingAndAResumeHasNothingLeft()
    {
        // A learning rate of 1e-12 leaves the weights where they are: the validation error never improves on epoch 1.
        string run = Path.Combine(_dir, "early");
        var r = CliRunner.Run(new[] { "train", "--validation", "20", "--early-stop", "2", "--lr", "1e-12", "--epochs", "6", "--out", run }.Concat(Shared()).ToArray());
        Assert.True(r.Code == 0, r.Err + r.Out);
        var summary = new RunFolder(run).ReadSummary()!;
        Assert.Equal(3, summary.Epochs);
        Assert.Equal(3, summary.Validation!.StoppedEarlyAfter);
        Assert.Equal(1, summary.Validation.BestEpoch);
        Assert.True(summary.Completed);
        Assert.NotNull(summary.TestError);

        var again = CliRunner.Run("train", "--resume", run);
        Assert.True(again.Code == 0, again.Err + again.Out);
        Assert.DoesNotContain("epoch 4/6", again.Out);
        Assert.Equal(3, new RunFolder(run).ReadMetrics().Count);
    }

    /// <summary>--train-error-every K: the error on the trained-on images (true labels, no augmentation) every K epochs and at the last.</summary>
    [Fact]
    public void TheTrainingErrorIsMeasuredEveryKEpochsAndAtTheLast()
    {
        string run = Path.Combine(_dir, "gap");
        var r = CliRunner.Run(new[] { "train", "--train-error-every", "2", "--epochs", "3", "--label-noise", "0.5", "--out", run }.Concat(Shared()).ToArray());
        Assert.True(r.Code == 0, r.Err + r.Out);
        var rows = new RunFolder(run).ReadMetrics();
        Assert.True(double.IsNaN(rows[0]["train_error"]));
        Assert.InRange(rows[1]["train_error"], 0, 1);
        Assert.InRange(rows[2]["train_error"], 0, 1);
        Assert.Equal(rows[2]["train_error"], new RunFolder(run).ReadSummary()!.TrainError!.Value, 6);

        // The sample holds the trained-on images with their true labels, at most 2,000, drawn apart from the run's streams.
        using var data = RunData.Load(new TrainingOptions { Dataset = TrainingDataset.Cifar10, DataDir = _data, TrainErrorEvery = 1, LabelNoise = 0.5, Validation = 20 });
        Assert.Equal(data.Train.Count, data.TrainSample!.Count);
        T.SameBytes(((InMemoryDataset)data.Train).Images, ((InMemoryDataset)data.TrainSample).Images);
        Assert.False(T.Bytes(data.Train.Labels).SequenceEqual(T.Bytes(data.TrainSample.Labels)), "the sample keeps the true labels, not the noisy ones");
    }

    /// <summary>compare --select-by val_error picks, per "group", the variant with the lowest mean validation error, and says so with the sweep's values.</summary>
    [Fact]
    public void CompareSelectsEachGroupsVariantOnTheValidationSet()
    {
        string grid = Path.Combine(_dir, "sweep.json");
        File.WriteAllText(grid, """
            {"shared": {"validation": 20, "epochs": 1},
             "variants": [{"name": "erm", "method": "erm"},
                          {"name": "mixup-a0.2", "method": "mixup", "alpha": 0.2, "group": "mixup"},
                          {"name": "mixup-a1", "method": "mixup", "alpha": 1, "group": "mixup"},
                          {"name": "cutout-p0.5", "method": "cutout", "prob": 0.5, "group": "cutout"}]}
            """);
        string outDir = Path.Combine(_dir, "sweep");
        var r = CliRunner.Run(new[] { "compare", "--variants", grid, "--seeds", "1", "--out", outDir, "--select-by", "val_error" }.Concat(Shared()).ToArray());
        Assert.True(r.Code == 0, r.Err + r.Out);
        string md = File.ReadAllText(Path.Combine(outDir, "results.md"));
        Assert.Contains("Selected on the validation set (val_error", md);
        Assert.Contains("val error % | best-val test error %", md);
        var rows = File.ReadAllLines(Path.Combine(outDir, "selection.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(3, rows.Count);
        var mixup = rows.Where(x => x[0] == "mixup").ToList();
        var chosen = mixup.OrderBy(x => double.Parse(x[4], System.Globalization.CultureInfo.InvariantCulture)).First()[2];
        Assert.Equal("True", mixup.Single(x => x[2] == chosen)[5]);
        Assert.Contains($"**mixup**: {chosen} (of mixup-a0.2 ", md);
        Assert.Equal("True", rows.Single(x => x[0] == "cutout")[5]);
        Assert.Contains("Paired by seed against 'erm', test error", md);
        Assert.Contains("Paired by seed against 'erm', test error of the best-validation weights", md);

        // Never on the test set, and only with groups.
        var bad = CliRunner.Run(new[] { "compare", "--variants", grid, "--seeds", "1", "--out", outDir, "--select-by", "test_error", "--report-only" }.Concat(Shared()).ToArray());
        Assert.Equal(2, bad.Code);
        Assert.Contains("--select-by must be one of val_error, val_nll, val_ece, best_val_error (validation metrics: a sweep is never chosen on the test set); got 'test_error'.", bad.Err);
    }

    /// <summary>learning-curve: grids of two sizes give one line per variant over the sizes, the gap, and the table with n per cell.</summary>
    [Fact]
    public void TheLearningCurveReadsGridsOfSeveralSizes()
    {
        string grid = Path.Combine(_dir, "lc.json");
        File.WriteAllText(grid, """{"shared": {"validation": 10, "epochs": 1, "train-error-every": 1}, "variants": [{"name": "erm", "method": "erm"}, {"name": "mixup", "method": "mixup"}]}""");
        foreach (string size in new[] { "20", "40" })
        {
            var r = CliRunner.Run(new[] { "compare", "--variants", grid, "--seeds", "1,2", "--out", Path.Combine(_dir, "lc-n" + size), "--train-subset", size }.Concat(Shared()).ToArray());
            Assert.True(r.Code == 0, r.Err + r.Out);
        }

        string png = Path.Combine(_dir, "figures", "curve.png");
        var c = CliRunner.Run("learning-curve", "--grid", Path.Combine(_dir, "lc-n20"), "--grid", Path.Combine(_dir, "lc-n40"), "--out", png);
        Assert.True(c.Code == 0, c.Err + c.Out);
        Assert.True(new FileInfo(png).Length > 5000);
        Assert.True(File.Exists(Path.Combine(_dir, "figures", "curve-gap.png")));
        string md = File.ReadAllText(Path.Combine(_dir, "figures", "curve.md"));
        Assert.Contains("| best_val_test_error (%) | 20 | 40 |", md);
        Assert.Contains("| gap: test − train error (%) | 20 | 40 |", md);
        string across = md[..md.IndexOf("**20 training images**", StringComparison.Ordinal)];   // the tables across sizes, before each size's own
        Assert.Equal(2, across.Split('\n').Count(l => l.StartsWith("| erm |", StringComparison.Ordinal)));
        Assert.Contains("(2) |", md);
        Assert.True(new FileInfo(Path.Combine(_dir, "figures", "curve-vs-erm.png")).Length > 5000);
        Assert.Contains("| best_val_test_error − erm (points; 95% CI, Holm p across the methods at a size, pairs) | 20 | 40 |", md);
        string difference = across.Split('\n').Last(l => l.StartsWith("| mixup |", StringComparison.Ordinal));   // the differences' row
        Assert.Equal(2, difference.Split(" (2) |").Length - 1);   // at both sizes, 2 pairs each

        var grids = new[] { Path.Combine(_dir, "lc-n20"), Path.Combine(_dir, "lc-n40") };
        var points = MixupSharp.Training.Reports.LearningCurve.Collect(grids, "test_error");
        Assert.Equal(new long[] { 20, 40, 20, 40 }, points.Select(p => p.Size));
        Assert.All(points, p => Assert.Equal(2, p.Values.Count));

        // Then each size's study table, its cells read from the runs: ERM first, and each metric in its own column.
        Assert.Contains("**20 training images**", md);
        Assert.Contains("**40 training images**", md);
        Assert.Contains("| method | runs | validation error | test error (best-validation weights) | − erm, points (95% CI) | Holm p | last weights' test error | training error | NLL | ECE |", md);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        CurvePoint At(string metric, string variant, long size) => LearningCurve.Collect(grids, metric).Single(p => p.Variant == variant && p.Size == size);
        string Spread(CurvePoint p) => string.Create(inv, $"{p.Mean * 100:F2} ± {p.StandardDeviation * 100:F2}%");
        string ermRow = string.Create(inv, $"| erm | 2 | {Spread(At("best_val_error", "erm", 40))} | {Spread(At("best_val_test_error", "erm", 40))} | – | – | {Spread(At("test_error", "erm", 40))} | {At("train_error", "erm", 40).Mean * 100:F2}% | {At("best_val_test_nll", "erm", 40).Mean:F3} | {At("best_val_test_ece", "erm", 40).Mean * 100:F2}% |");
        var tableAt40 = md[md.IndexOf("**40 training images**", StringComparison.Ordinal)..].Split('\n');
        Assert.Equal(ermRow, tableAt40[4].TrimEnd());
        Assert.StartsWith(string.Create(inv, $"| mixup | 2 | {Spread(At("best_val_error", "mixup", 40))} | {Spread(At("best_val_test_error", "mixup", 40))} | "), tableAt40[5]);

        var bad = CliRunner.Run("learning-curve", "--grid", Path.Combine(_dir, "nowhere"));
        Assert.Equal(2, bad.Code);
        Assert.Contains("nowhere: no such folder", bad.Err);
        var noBaseline = CliRunner.Run("learning-curve", "--grid", Path.Combine(_dir, "lc-n20"), "--baseline", "cutout", "--out", png);
        Assert.Equal(2, noBaseline.Code);
        Assert.Contains("--baseline cutout: no such variant in the grids (they have erm, mixup).", noBaseline.Err);
    }

    /// <summary>Differences pair runs by seed, not by position, over the seeds both completed; Holm spans the methods at one size.</summary>
    [Fact]
    public void DifferencesFromTheBaselineArePairedBySeedWithHolmAcrossTheMethodsAtASize()
    {
        var points = new[]
        {
            new CurvePoint("erm", 100, new long[] { 1, 2, 3 }, new[] { 0.10, 0.12, 0.11 }, Array.Empty<double>()),
            new CurvePoint("a", 100, new long[] { 3, 1, 2 }, new[] { 0.095, 0.08, 0.10 }, Array.Empty<double>()),
            new CurvePoint("b", 100, new long[] { 2, 1 }, new[] { 0.125, 0.11 }, Array.Empty<double>()),
            new CurvePoint("a", 200, new long[] { 1, 2 }, new[] { 0.05, 0.06 }, Array.Empty<double>()),   // no erm at 200: no difference
        };
        var d = LearningCurve.Differences(points, "erm");
        Assert.Equal(new[] { ("a", 100L), ("b", 100L) }, d.Select(x => (x.Variant, x.Size)));
        var a = Statistics.PairedTTest(new[] { 0.08, 0.10, 0.095 }, new[] { 0.10, 0.12, 0.11 });   // seeds 1, 2, 3
        var b = Statistics.PairedTTest(new[] { 0.11, 0.125 }, new[] { 0.10, 0.12 });               // seeds 1, 2
        Assert.Equal(a, d[0].Test);
        Assert.Equal(b, d[1].Test);
        Assert.Equal(-0.055 / 3, d[0].Test.MeanDifference, 12);
        Assert.Equal(Statistics.Holm(new[] { a.PValue, b.PValue }), d.Select(x => x.HolmP));
        string md = LearningCurve.Markdown(points, "test_error", d, "erm");
        Assert.Contains("| a | −1.83 [", md);
    }

    /// <summary>
    /// The study table at a size: rows by validation error with the baseline first, each metric in its column, and the
    /// paired difference and Holm p of the learning curve's own comparison; no table for runs without validation.
    /// </summary>
    [Fact]
    public void TheStudyTableShowsEachSizesMethodsInTheOrderOfValidationError()
    {
        string grid = Path.Combine(_dir, "study");
        void Run(string variant, long seed, double validation, double test, double last, bool held = true, string model = "seednet")
        {
            var folder = new RunFolder(Path.Combine(grid, variant, "s" + seed));
            folder.Create();
            var options = new TrainingOptions { Seed = seed, Validation = held ? 10 : null, Model = model };
            folder.WriteConfig(new RunConfig { Options = options, ConfigHash = ConfigFingerprint.Of(options), Seed = seed, TrainImages = 100, Classes = new[] { "a", "b" } });
            folder.WriteSummary(new RunSummary
            {
                TestError = last, TrainError = 0.01 * seed, Completed = true, Epochs = 1,
                Validation = held ? new ValidationSummary { Images = 10, BestError = validation, BestTestError = test, BestTestNll = 0.5 + seed, BestTestEce = 0.02 } : null,
            });
        }

        Run("b", 1, 0.085, 0.11, 0.11);
        Run("b", 2, 0.095, 0.125, 0.12);
        Run("erm", 1, 0.09, 0.10, 0.10);
        Run("erm", 2, 0.10, 0.12, 0.12);
        Run("erm", 3, 0.11, 0.11, 0.12);
        Run("a", 3, 0.09, 0.095, 0.09);
        Run("a", 1, 0.07, 0.08, 0.09);
        Run("a", 2, 0.08, 0.10, 0.09);
        var lines = StudyTable.Markdown(new[] { grid }, "best_val_test_error", "erm").Split('\n').Select(l => l.TrimEnd()).ToList();

        var a = Statistics.PairedTTest(new[] { 0.08, 0.10, 0.095 }, new[] { 0.10, 0.12, 0.11 });   // seeds 1, 2, 3
        var b = Statistics.PairedTTest(new[] { 0.11, 0.125 }, new[] { 0.10, 0.12 });               // seeds 1, 2
        double[] holm = Statistics.Holm(new[] { a.PValue, b.PValue });
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        Assert.Equal("**100 training images**", lines[0]);
        Assert.Equal("| erm | 3 | 10.00 ± 1.00% | 11.00 ± 1.00% | – | – | 11.33 ± 1.15% | 2.00% | 2.500 | 2.00% |", lines[4]);
        Assert.Equal(string.Create(inv, $"| a | 3 | 8.00 ± 1.00% | 9.17 ± 1.04% | −1.83 ({a.Low * 100:+0.00;−0.00}, {a.High * 100:+0.00;−0.00}) | {holm[0]:0.000} | 9.00 ± 0.00% | 2.00% | 2.500 | 2.00% |"), lines[5]);
        Assert.Equal(string.Create(inv, $"| b | 2 | 9.00 ± 0.71% | 11.75 ± 1.06% | +0.75 ({b.Low * 100:+0.00;−0.00}, {b.High * 100:+0.00;−0.00}) | {holm[1]:0.000} | 11.50 ± 0.71% | 1.50% | 2.000 | 2.00% |"), lines[6]);

        string plain = Path.Combine(_dir, "plain");
        grid = plain;
        Run("erm", 1, 0, 0, 0.1, held: false);
        Assert.Equal(string.Empty, StudyTable.Markdown(new[] { plain }, "test_error", "erm"));

        // Another model's grid at the same size is not more seeds of the same point.
        grid = Path.Combine(_dir, "other-model");
        Run("erm", 4, 0.2, 0.2, 0.2, model: "fast-resnet");
        var mixed = Assert.Throws<ArgumentException>(() => LearningCurve.Collect(new[] { Path.Combine(_dir, "study"), grid }, "best_val_test_error"));
        Assert.Contains("erm at 100 images: ", mixed.Message, StringComparison.Ordinal);
        Assert.Contains("differ in more than the seed (model, options or epochs); give learning-curve the grids of one study.", mixed.Message, StringComparison.Ordinal);
        var cli = CliRunner.Run("learning-curve", "--grid", Path.Combine(_dir, "study"), "--grid", grid, "--out", Path.Combine(_dir, "mixed.png"));
        Assert.Equal(1, cli.Code);
        Assert.Contains("differ in more than the seed", cli.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "mixed.png")));
    }

    /// <summary>The figures name a test metric by what it measures and which weights the test set saw, not by its key.</summary>
    [Fact]
    public void FiguresNameTheMetricAndTheWeights()
    {
        Assert.Equal(("test error", "best-validation weights"), LearningCurve.Label("best_val_test_error"));
        Assert.Equal(("test error", "last weights"), LearningCurve.Label("test_error"));
        Assert.Equal(("test NLL", "best-validation weights"), LearningCurve.Label("best_val_test_nll"));
        Assert.Equal(("best validation error", (string?)null), LearningCurve.Label("best_val_error"));
        Assert.Equal(("train seconds", (string?)null), LearningCurve.Label("train_seconds"));
    }

    /// <summary>Errors and ECE are rates, shown in % and compared in points; NLL and seconds keep their own unit, unscaled.</summary>
    [Fact]
    public void OnlyRatesAreShownInPercent()
    {
        Assert.All(new[] { "test_error", "best_val_test_error", "train_error", "test_ece", "best_val_test_ece", "memorized_fraction" }, m => Assert.True(Comparison.IsRate(m), m));
        Assert.All(new[] { "test_nll", "best_val_test_nll", "train_seconds", "best_epoch", "images_per_second" }, m => Assert.False(Comparison.IsRate(m), m));

        var points = new[]
        {
            new CurvePoint("erm", 100, new long[] { 1, 2 }, new[] { 0.80, 0.70 }, Array.Empty<double>()),
            new CurvePoint("a", 100, new long[] { 1, 2 }, new[] { 0.40, 0.50 }, Array.Empty<double>()),
        };
        string nll = LearningCurve.Markdown(points, "test_nll", LearningCurve.Differences(points, "erm"), "erm");
        Assert.Contains("| test_nll | 100 |", nll);
        Assert.Contains("| erm | 0.750 ± 0.071 (2) |", nll);
        Assert.Contains("| a | −0.300 [", nll);
        Assert.DoesNotContain("(%)", nll);
        Assert.DoesNotContain("points", nll);

        string error = LearningCurve.Markdown(points, "test_error", LearningCurve.Differences(points, "erm"), "erm");
        Assert.Contains("| test_error (%) | 100 |", error);
        Assert.Contains("| erm | 75.00 ± 7.07 (2) |", error);
        Assert.Contains("| a | −30.00 [", error);
    }

    [Theory]
    [InlineData("--early-stop=3", "--early-stop needs --validation N (it watches the validation error).")]
    [InlineData("--test-every", "--test-every applies with --validation N (without one, the test set is evaluated every epoch already).")]
    [InlineData("--validation=0", "--validation must be a positive number of images; got 0.")]
    public void BadValidationOptionsAreOneLineAndExitTwo(string option, string message)
    {
        var r = CliRunner.Run("train", option, "--out", Path.Combine(_dir, "never"));
        Assert.Equal(2, r.Code);
        Assert.Equal("error: " + message, r.Err.Trim());
    }

    [Fact]
    public void AValidationSetTooLargeOrTooSmallNamesTheRange()
    {
        var r = CliRunner.Run(new[] { "train", "--validation", "55", "--out", Path.Combine(_dir, "big") }.Concat(Shared()).ToArray());
        Assert.Equal(2, r.Code);
        Assert.Contains("--validation must be between 10 (one image per class) and 50 (leaving one per class of the 60 training images", r.Err);
        var s = CliRunner.Run(new[] { "train", "--validation", "20", "--train-subset", "45", "--out", Path.Combine(_dir, "sub") }.Concat(Shared()).ToArray());
        Assert.Equal(2, s.Code);
        Assert.Contains("--train-subset must be between 10 (one image per class) and 40 (the training images left after --validation 20); got 45.", s.Err);
    }
}
