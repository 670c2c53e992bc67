using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using MixupSharp.Tests.Data;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Options;
using MixupSharp.Tests.Support;
using Xunit;

namespace MixupSharp.Tests.Training;

/// <summary>--recipe: a named setting backed by our evidence, recorded in config.json, overridden by explicit flags wherever they stand.</summary>
public sealed class RecipeTests
{
    private static TrainingOptions Parse(params string[] args)
    {
        var options = new TrainingOptions();
        MixupSharp.Cli.TrainCommand.ParseLayers(MixupSharp.Cli.TrainCommand.Options(() => options, o => options = o, _ => { }), args);
        options.Validate();
        return options;
    }

    [Fact]
    public void ARecipeSetsItsOptionsAndRecordsItsName()
    {
        var o = Parse("--recipe", "noisy-labels", "--epochs", "3");
        Assert.Equal(KnownMethods.Mixup, o.Method);
        Assert.Equal(8, o.Alpha);
        Assert.Equal("noisy-labels", o.Recipe);
        Assert.Equal(3, o.Epochs);
    }

    [Fact]
    public void ExplicitFlagsOverrideTheRecipeBeforeOrAfterIt()
    {
        Assert.Equal(2, Parse("--alpha", "2", "--recipe", "noisy-labels").Alpha);
        Assert.Equal(2, Parse("--recipe", "noisy-labels", "--alpha", "2").Alpha);
    }

    [Fact]
    public void TheLittleDataRecipeIsTheStudysWinnerWithItsBudget()
    {
        var o = Parse("--recipe", "little-data");
        Assert.Equal(KnownMethods.CutMix, o.Method);
        Assert.Equal(0.5, o.Alpha);
        Assert.Equal(200, o.Epochs);
    }

    [Fact]
    public void TheDeitRecipeSetsEveryValueOfThePapersTable9AsTimmRunsIt()
    {
        var o = Parse("--recipe", "deit", "--batch-size", "256", "--model", "deit-tiny");
        Assert.IsType<MixupCutMixMethod>(o.Method);
        Assert.Equal(0.8, o.Get(MixupCutMixMethod.MixupAlpha));
        Assert.Equal(1.0, o.Get(MixupCutMixMethod.CutMixAlpha));
        Assert.Equal((1.0, 0.5, 0.1), (o.Probability, o.SwitchProbability, o.LabelSmoothing));
        Assert.Equal((OptimizerKind.AdamW, 0.05, true), (o.Optimizer, o.WeightDecay, o.NoDecayNormBias));
        Assert.Equal((ScheduleKind.Cosine, 1e-5, 5.0, 1e-6, 300), (o.Schedule, o.MinLearningRate, o.WarmupEpochs, o.WarmupLearningRate, o.Epochs));
        Assert.Equal((TrainingPolicy.RandAugment, 2, 27, 1.5), (o.Policy, o.RaOps, o.RaMagnitude, o.RaMagnitudeStd));
        Assert.Equal((0.25, ErasingMode.Pixel, 1), (o.ReProb, o.ReMode, o.ReCount));
        Assert.Equal(0.1, o.DropPath);
        Assert.Null(o.ModelEma);

        // lr 5e-4·batch/512, for the run's own batch; an explicit --lr wins.
        Assert.Equal(5e-4 * 256 / 512, o.WithScaledLearningRate().LearningRate, 15);
        Assert.Equal(0.002, Parse("--recipe", "deit", "--lr", "0.002").WithScaledLearningRate().LearningRate);
    }

    [Fact]
    public void TheHashOfARunWithLrBaseIsTheSameBeforeAndAfterTheRateIsDerived()
    {
        // compare hashes the options it parsed; the trainer records the hash of the options with the derived rate.
        var parsed = Parse("--recipe", "deit", "--batch-size", "256");
        Assert.Equal(MixupSharp.Training.Runs.ConfigFingerprint.Of(parsed.WithScaledLearningRate()), MixupSharp.Training.Runs.ConfigFingerprint.Of(parsed));
        Assert.NotEqual(MixupSharp.Training.Runs.ConfigFingerprint.Of(parsed), MixupSharp.Training.Runs.ConfigFingerprint.Of(Parse("--recipe", "deit", "--batch-size", "128")));
    }

    [Fact]
    public void TheFineTuneRecipeIsBitsHyperRuleInEpochs()
    {
        var o = Parse("--recipe", "fine-tune", "--batch-size", "128");
        Assert.Equal(KnownMethods.Erm, o.Method);
        Assert.Equal((OptimizerKind.Sgd, 0.9, 0.0), (o.Optimizer, o.Momentum, o.WeightDecay));
        Assert.Equal(0.003 * 128 / 512, o.WithScaledLearningRate().LearningRate, 15);
        Assert.Equal((ScheduleKind.MultiStep, 0.1, 1.0, 20), (o.Schedule, o.Gamma, o.WarmupEpochs, o.Epochs));
        Assert.Equal(new[] { 6, 12, 18 }, o.Milestones.ToArray());
    }

    [Fact]
    public void AnUnknownRecipeIsAOneLineUsageError()
    {
        var r = CliRunner.Run("train", "--recipe", "magic");
        Assert.Equal(2, r.Code);
        Assert.Equal("error: --recipe must be one of noisy-labels, little-data, deit, fine-tune; got 'magic'.", r.Err.Trim());
    }
}

/// <summary>A recipe runs from the CLI end to end: it says what it set and why, and config.json records it.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class RecipeRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-recipe-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TrainWithARecipeNamesItsEvidenceAndRecordsItInTheConfig()
    {
        string data = Path.Combine(_dir, "data");
        DataFiles.WriteCifar10(data, perBatch: 8, testCount: 8);
        string run = Path.Combine(_dir, "run");
        var r = CliRunner.Run("train", "--recipe", "little-data", "--dataset", "cifar10", "--data-dir", data, "--model", "fast-resnet", "--batch-size", "8", "--epochs", "1", "--threads", "1", "--out", run);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("recipe little-data: CutMix with α = 0.5 for 200 epochs. Overridden here: epochs 1 (recipe: 200). Evidence: docs/RESULTS.md", r.Out);

        var options = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "config.json")))!;
        Assert.Equal("little-data", (string?)options["recipe"]);
        Assert.Equal("cutmix", (string?)options["method"]);
        Assert.Equal(0.5, (double)options["alpha"]!);
        Assert.Equal(1, (int)options["epochs"]!);   // the explicit flag overrides the recipe's 200
    }

    [Fact]
    public void TheDeitRecipeTrainsDeitTinyAFewStepsAndItsConfigShowsEveryValueItSet()
    {
        string data = Path.Combine(_dir, "data");
        DataFiles.WriteCifar10(data, perBatch: 16, testCount: 8);
        string run = Path.Combine(_dir, "deit");
        var r = CliRunner.Run("train", "--recipe", "deit", "--model", "deit-tiny", "--dataset", "cifar10", "--data-dir", data, "--batch-size", "32", "--epochs", "1", "--threads", "1", "--out", run);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("recipe deit: DeiT's training recipe", r.Out);
        Assert.Contains("Overridden here: epochs 1 (recipe: 300).", r.Out);
        Assert.Contains("Touvron et al., ICML 2021", r.Out);

        var options = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "config.json")))!;
        Assert.Equal("deit", (string?)options["recipe"]);
        Assert.Equal("mixup-cutmix", (string?)options["method"]);
        Assert.Equal(0.8, (double)options["mixup-alpha"]!);
        Assert.Equal(1.0, (double)options["cutmix-alpha"]!);
        Assert.Equal(5e-4 * 32 / 512, (double)options["lr"]!, 15);   // derived from lr-base for this batch
        Assert.Equal(5e-4, (double)options["lr-base"]!);
        var expected = new (string Key, string Value)[]
        {
            ("prob", "1"), ("switch-prob", "0.5"), ("label-smoothing", "0.1"), ("optimizer", "\"adamw\""), ("weight-decay", "0.05"),
            ("no-decay-norm-bias", "true"), ("schedule", "\"cosine\""), ("min-lr", "1E-05"), ("warmup-epochs", "5"), ("warmup-lr", "1E-06"),
            ("policy", "\"randaugment\""), ("ra-ops", "2"), ("ra-magnitude", "27"), ("ra-mstd", "1.5"), ("reprob", "0.25"), ("remode", "\"pixel\""),
            ("recount", "1"), ("drop-path", "0.1"), ("model-ema", "null"), ("model", "\"deit-tiny\""),
        };
        foreach (var (key, value) in expected)
        {
            Assert.True((options[key]?.ToJsonString() ?? "null") is { } actual && (actual == value || double.TryParse(actual, System.Globalization.CultureInfo.InvariantCulture, out double a) && double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out double b) && a == b), $"{key}: {options[key]?.ToJsonString() ?? "null"}, expected {value}");
        }

        var metrics = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        Assert.Equal(2, metrics.Length);
    }
}
