using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using MixupSharp.Training;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Options;
using MixupSharp.Training.Runs;
using MixupSharp.Training.Sinks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Training;

/// <summary>
/// A method defined outside the library's assemblies, registered through the public API: it declares an option of its
/// own and acts in the forward pass (adds a constant to the normalized inputs).
/// </summary>
public sealed class ToyShiftMethod : TrainingMethod
{
    public static readonly MethodOption<double> Shift = MethodOption.Double("toy-shift", "S", "constant added to the normalized inputs", 0.0, v => v is >= -1 and <= 1, "must be in [-1, 1]");

    public override string Name => "toy-shift";

    public override string Description => "a test method: shifts the inputs";

    public override IReadOnlyList<MethodOption> Options => new MethodOption[] { Shift };

    public override ForwardPass Forward(MethodContext context)
    {
        double shift = context.Options.Get(Shift);
        return (model, inputs, targets, _) => (model.call(inputs + shift), targets);
    }
}

/// <summary>The registry, typed options, the run folder's owner and the sinks.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class TrainingStackTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-stack-").FullName;
    private readonly string _data;

    public TrainingStackTests()
    {
        KnownMethods.Register(new ToyShiftMethod());
        _data = Path.Combine(_dir, "data");
        DataFiles.WriteCifar10(_data, perBatch: 8, testCount: 12);   // 40 train, 12 test images
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Src => Path.Combine(RepoPaths.RepoRoot, "src");

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    private string[] Shared(params string[] more) =>
        new[] { "--dataset", "cifar10", "--data-dir", _data, "--model", "fast-resnet", "--batch-size", "16", "--epochs", "1", "--threads", "2" }.Concat(more).ToArray();

    [Fact]
    public void AMethodRegisteredOutsideTrainsWithItsOwnOptionThroughTrainAndCompare()
    {
        Assert.Contains("--toy-shift S", Run("train", "--help").Out);
        string run = Path.Combine(_dir, "toy");
        var trained = Run(new[] { "train", "--method", "toy-shift", "--toy-shift", "0.5", "--out", run }.Concat(Shared()).ToArray());
        Assert.True(trained.Code == 0, trained.Err + trained.Out);
        var config = new RunFolder(run).ReadConfig();
        Assert.Same(KnownMethods.Find("toy-shift"), config.Options.Method);
        Assert.Equal("0.2.0", config.Versions!["mixupsharp"]);                     // not the SDK's default 1.0.0.0
        Assert.Matches("^([0-9a-f]{12}|unknown)$", config.Versions["commit"]);
        Assert.Equal(0.5, config.Options.Get(ToyShiftMethod.Shift));

        string grid = Path.Combine(_dir, "grid.json");
        File.WriteAllText(grid, """[{"name": "erm", "method": "erm"}, {"name": "toy", "method": "toy-shift", "toy-shift": -0.25}]""");
        var compared = Run(new[] { "compare", "--variants", grid, "--seeds", "1", "--out", Path.Combine(_dir, "cmp") }.Concat(Shared()).ToArray());
        Assert.True(compared.Code == 0, compared.Err + compared.Out);
        Assert.Equal(-0.25, new RunFolder(Path.Combine(_dir, "cmp", "toy", "s1")).ReadOptions().Get(ToyShiftMethod.Shift));
        Assert.Contains("| toy | toy-shift | 1/1 |", File.ReadAllText(Path.Combine(_dir, "cmp", "results.md")));
    }

    [Fact]
    public void MethodOptionsAreCheckedAndBelongToTheirMethod()
    {
        var outOfRange = Run(new[] { "train", "--method", "toy-shift", "--toy-shift", "3", "--out", Path.Combine(_dir, "never") }.Concat(Shared()).ToArray());
        Assert.Equal(2, outOfRange.Code);
        Assert.Contains("--toy-shift must be in [-1, 1]; got 3.", outOfRange.Err);
        var foreign = Run(new[] { "train", "--method", "mixup", "--toy-shift", "0.5", "--out", Path.Combine(_dir, "never") }.Concat(Shared()).ToArray());
        Assert.Equal(2, foreign.Code);
        Assert.Contains("--toy-shift is not an option of method 'mixup'", foreign.Err);
        Assert.Throws<ArgumentException>(() => KnownMethods.Register(new DuplicateNamedMethod()));
    }

    private sealed class DuplicateNamedMethod : TrainingMethod
    {
        public override string Name => "mixup";

        public override string Description => "clashes with Mixup";
    }

    [Fact]
    public void AMethodOptionAtItsDefaultLeavesTheConfigurationHashAsWithoutIt()
    {
        var plain = new TrainingOptions { Method = KnownMethods.Find("toy-shift")! };
        Assert.Equal(ConfigFingerprint.Of(plain), ConfigFingerprint.Of(plain.Resolved()));
        Assert.Equal(ConfigFingerprint.Of(plain), ConfigFingerprint.Of(plain.With(ToyShiftMethod.Shift, "0")));
        Assert.NotEqual(ConfigFingerprint.Of(plain), ConfigFingerprint.Of(plain.With(ToyShiftMethod.Shift, "0.5")));
        Assert.NotEqual(ConfigFingerprint.Of(plain), ConfigFingerprint.Of(plain with { Method = KnownMethods.Erm }));
        Assert.Equal(ConfigFingerprint.Of(plain), ConfigFingerprint.Of(plain with { OutDir = "elsewhere", Threads = 1, Epochs = 99, DataDir = "/data" }));
    }

    [Fact]
    public void TheRegistryHoldsEveryBuiltInMethodOnceAndEachNameIsWrittenOnceInSrc()
    {
        var names = KnownMethods.Names;
        Assert.Equal(names.Count, names.Distinct().Count());
        var sources = Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText).ToList();
        foreach (var name in new[] { "erm", "mixup", "cutmix", "mixup-cutmix", "cutout", "random-erasing", "gridmask", "affine", "mask-distort-mix", "manifold-mixup" })
        {
            Assert.Contains(name, names);
            int count = sources.Sum(text => Regex.Matches(text, $"\"{Regex.Escape(name)}\"").Count);
            Assert.True(count == 1, $"the method name \"{name}\" is written {count} times in src/ (expected once, in its method's file)");
        }
    }

    [Fact]
    public void NoSourceFileIsOver400LinesAndTheLibraryGrantsNoInternals()
    {
        var files = Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(files);
        var long400 = files.Where(f => File.ReadLines(f).Count() > 400).Select(f => Path.GetRelativePath(Src, f)).ToList();
        Assert.True(long400.Count == 0, "over 400 lines: " + string.Join(", ", long400));
        Assert.DoesNotContain("InternalsVisibleTo", File.ReadAllText(Path.Combine(Src, "MixupSharp", "MixupSharp.csproj")));
        Assert.DoesNotContain(files.Where(f => f.Contains($"{Path.DirectorySeparatorChar}MixupSharp{Path.DirectorySeparatorChar}", StringComparison.Ordinal)), f => File.ReadAllText(f).Contains("InternalsVisibleTo", StringComparison.Ordinal));
    }

    [Fact]
    public void TheRunFolderRoundTripsItsFilesWithTheirOldKeys()
    {
        var folder = new RunFolder(Path.Combine(_dir, "folder"));
        folder.Create();
        var options = new TrainingOptions { Method = KnownMethods.Mixup, Dataset = TrainingDataset.Cifar10, Blend = MixupSharp.Composite.Blend.Geometric, Device = ComputeDevice.Cpu };
        var config = new RunConfig { Options = options, ConfigHash = ConfigFingerprint.Of(options), Classes = new[] { "a", "b" }, ImageShape = new long[] { 3, 32, 32 }, Normalization = new NormalizationRecord(new[] { 0.5 }, new[] { 0.25 }) };
        folder.WriteConfig(config);
        string current = File.ReadAllText(folder.ConfigPath);
        foreach (var key in new[] { "\"version\"", "\"derived\"", "\"config_hash\"", "\"classes\"", "\"image_shape\"", "\"normalization\"", "\"dataset\": \"cifar10\"", "\"method\": \"mixup\"", "\"blend\": \"geometric\"", "\"device\": \"cpu\"", "\"schedule\": \"cosine\"" })
        {
            Assert.Contains(key, current);
        }

        Assert.DoesNotContain("\"options\"", current);
        Assert.DoesNotContain("Settings", current);   // a method without options of its own writes none
        var back = folder.ReadConfig();
        Assert.Equal(config.Options, back.Options with { Milestones = config.Options.Milestones });
        Assert.Equal(config.ConfigHash, ConfigFingerprint.Of(back.Options));

        // Files written before 0.2.0 (an "options" block of property names) read back as the same options and hash.
        string text = JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true });
        Assert.Contains("\"Schedule\": \"cosine\"", text);
        File.WriteAllText(folder.ConfigPath, text);
        Assert.Equal(config.Options, folder.ReadConfig().Options with { Milestones = config.Options.Milestones });

        // Runs before the schedule was named recorded its number; they read back as the same schedule and hash.
        File.WriteAllText(folder.ConfigPath, text.Replace("\"Schedule\": \"cosine\"", "\"Schedule\": 3", StringComparison.Ordinal));
        Assert.Equal(config.Options, folder.ReadConfig().Options with { Milestones = config.Options.Milestones });
        File.WriteAllText(folder.ConfigPath, text.Replace("\"Schedule\": \"cosine\"", "\"Schedule\": 7", StringComparison.Ordinal));
        Assert.Contains("Schedule must be constant, step, multistep, cosine", Assert.Throws<ArgumentException>(() => folder.ReadConfig()).Message, StringComparison.Ordinal);
        folder.WriteConfig(config);

        var summary = new RunSummary { TestError = 0.25, TestNll = null, BestEpoch = 3, Epochs = 4, Completed = true, ConfigHash = "abc" };
        folder.WriteSummary(summary);
        Assert.Equal(summary, folder.ReadSummary());
        using var json = JsonDocument.Parse(File.ReadAllText(folder.SummaryPath));
        Assert.Equal(new[] { "test_error", "test_nll", "test_ece", "best_test_error", "best_epoch", "epochs", "train_seconds", "images_per_second", "completed", "config_hash" }, json.RootElement.EnumerateObject().Select(p => p.Name));

        var evaluation = new EvaluationResult(0.5, 1.25, 0.125, new[] { new ReliabilityBin(0, 1, 4, 0.5, 0.75) }, new[] { 0.5, double.NaN }, 4);
        var metrics = new EpochMetrics(1, 0.1, 2.5, evaluation, 100, 2, 50, null);
        folder.AppendMetrics(metrics, new[] { "a", "b" });
        folder.AppendMetrics(metrics with { Epoch = 2 }, new[] { "a", "b" });
        var rows = folder.ReadMetrics();
        Assert.Equal(2, rows.Count);
        Assert.Equal(MetricsTable.Row(metrics, new[] { "a", "b" }).Keys, rows[0].Keys);
        Assert.Equal(0.5, rows[0]["test_error"]);
        Assert.True(double.IsNaN(rows[0]["acc_b"]));
        folder.TruncateMetrics(1);
        Assert.Single(folder.ReadMetrics());
        folder.WriteReliability(evaluation.Reliability);
        Assert.Equal(evaluation.Reliability, folder.ReadReliability());
    }

    private sealed class RecordingSink : ITrainingSink
    {
        public List<string> Calls { get; } = new();

        public void OnStart(TrainingStart start) => Calls.Add($"start {start.CompletedEpochs}");

        public void OnStep(StepReport step) => Calls.Add("step");

        public void OnEpoch(EpochReport report) => Calls.Add($"epoch {report.Metrics.Epoch} checkpoint {File.Exists(Path.Combine(_outDir!, "checkpoint.bin"))}");

        public void OnEpochSaved(EpochReport report) => Calls.Add($"saved {report.Metrics.Epoch} checkpoint {File.Exists(Path.Combine(_outDir!, "checkpoint.bin"))}");

        public string? _outDir;

        public void Dispose() => Calls.Add("disposed");
    }


    [Fact]
    public void SinksHearTheStartEveryStepAndEachEpochBeforeAndAfterItsCheckpoint()
    {
        string outDir = Path.Combine(_dir, "sinks");
        var sink = new RecordingSink { _outDir = outDir };
        var options = new TrainingOptions { Dataset = TrainingDataset.Cifar10, DataDir = _data, Model = "fast-resnet", Epochs = 2, BatchSize = 16, OutDir = outDir, Threads = 2 };
        Assert.Equal(RunOutcome.Completed, new Trainer(options, new SilentObserver(), sink).Run(resume: false));
        Assert.Equal(new[] { "start 0", "step", "step", "step", "epoch 1 checkpoint False", "saved 1 checkpoint True", "step", "step", "step", "epoch 2 checkpoint True", "saved 2 checkpoint True", "disposed" }, sink.Calls);
        var folder = new RunFolder(outDir);
        Assert.Equal(2, folder.ReadMetrics().Count);
        Assert.True(File.Exists(folder.LearningCurvesPlotPath) && File.Exists(folder.ReliabilityPlotPath) && File.Exists(folder.SamplesPlotPath));
        Assert.Single(Directory.GetFiles(outDir, "events.out.tfevents.*"));
    }

    [Fact]
    public void TheJensenShannonViewsGoThroughTheCleanViewsCropAndFlip()
    {
        var options = new TrainingOptions { Dataset = TrainingDataset.Cifar10, JsdWeight = 12 };
        var normalize = new MixupSharp.Distortion.Normalize(new[] { 0.0, 0.0, 0.0 }, new[] { 1.0, 1.0, 1.0 });
        var pipelines = new RunPipelines(options, 10, 32, normalize);
        using var scope = torch.NewDisposeScope();
        using var data = new Generator(5);
        var images = torch.rand(new long[] { 6, 3, 32, 32 }, generator: data);
        var labels = torch.arange(6L);
        Tensor Logits(Tensor x) => x.flatten(1).narrow(1, 0, 10) * 10;
        var cleanLogits = torch.zeros(6, 10);
        double Loss(PipelineResultSource clean)
        {
            using var views = new Generator(9);
            return pipelines.Consistency(Logits, images, labels, clean.Result, cleanLogits, views).item<float>();
        }

        using var first = new PipelineResultSource(pipelines.WithMethod.Apply(images, labels, new Generator(1)));
        using var again = new PipelineResultSource(pipelines.WithMethod.Apply(images, labels, new Generator(1)));
        using var other = new PipelineResultSource(pipelines.WithMethod.Apply(images, labels, new Generator(2)));
        Assert.False(first.Result.Inputs.allclose(other.Result.Inputs), "the two clean views should differ in crop/flip");

        // Same clean crop/flip and the same view generator: the same term; another clean crop/flip: another term,
        // because the views replay the clean view's crop/flip instead of starting from the raw images.
        Assert.Equal(Loss(first), Loss(again));
        Assert.NotEqual(Loss(first), Loss(other));
    }

    private sealed class PipelineResultSource : IDisposable
    {
        public PipelineResultSource(MixupSharp.Pipelines.PipelineResult result) => Result = result;

        public MixupSharp.Pipelines.PipelineResult Result { get; }

        public void Dispose() => Result.Dispose();
    }
}
