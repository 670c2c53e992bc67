using System;
using System.IO;
using System.Linq;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using MixupSharp.Training;
using MixupSharp.Training.Models;
using MixupSharp.Training.Options;
using MixupSharp.Training.Runs;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Training;

/// <summary>What modern recipes need from the optimizer: AdamW, no decay on norms and biases, warm-up from a rate, a cosine floor, gradient clipping.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class OptimizationTests : IDisposable
{
    private readonly TinyCifar _cifar = new("mixupsharp-optim-");

    public void Dispose() => _cifar.Dispose();

    private string[] Train(string outDir, params string[] more) => _cifar.Train(outDir, more);

    [Theory]
    [InlineData(OptimizerKind.AdamW)]
    [InlineData(OptimizerKind.Sgd)]
    public void WithoutDecayOnNormsAndBiasesOnlyMatrixWeightsShrinkWhenTheGradientIsZero(OptimizerKind kind)
    {
        using var model = ModelFactory.Create("fast-resnet", 3, 32, 10);
        var options = new TrainingOptions { Optimizer = kind, LearningRate = 0.1, WeightDecay = 0.5, Momentum = 0, NoDecayNormBias = true };
        using var optimizer = Optimizers.Create(options, model);
        var (decay, noDecay) = Optimizers.Split(model);
        Assert.All(decay, p => Assert.True(p.dim() > 1));
        Assert.All(noDecay, p => Assert.True(p.dim() == 1));
        Assert.Equal(model.parameters().Count(), decay.Count + noDecay.Count);

        var before = model.parameters().Select(p => p.detach().clone()).ToList();
        foreach (var p in model.parameters())
        {
            p.grad = torch.zeros_like(p);
        }

        optimizer.step();
        var after = model.parameters().ToList();
        for (int i = 0; i < after.Count; i++)
        {
            bool exempt = noDecay.Any(q => ReferenceEquals(q, after[i]) || q.Handle == after[i].Handle);
            var expected = exempt ? before[i] : before[i] * (1 - (0.1 * 0.5));   // AdamW decays decoupled; SGD's L2 term gives the same step with a zero gradient
            Assert.True(torch.allclose(after[i], expected, rtol: 1e-6, atol: 1e-7), $"parameter {i} ({(exempt ? "no decay" : "decay")})");
        }
    }

    [Fact]
    public void WarmUpStartsFromItsRateAndCosineEndsAtItsFloor()
    {
        var o = new TrainingOptions { LearningRate = 0.1, Epochs = 10, WarmupEpochs = 2, WarmupLearningRate = 0.001, MinLearningRate = 0.01 };
        Assert.Equal(0.001, LearningRateSchedule.At(o, 0, 0, 100), 12);
        double halfWay = LearningRateSchedule.At(o, 1, 0, 100);
        double cosineThere = 0.01 + ((0.1 - 0.01) * 0.5 * (1 + Math.Cos(Math.PI * 0.1)));
        Assert.Equal(0.001 + ((cosineThere - 0.001) * 0.5), halfWay, 12);
        Assert.Equal(0.01, LearningRateSchedule.At(o, 10, 0, 100), 12);

        // The defaults give the formulas of the runs recorded before these options, to the bit.
        var plain = new TrainingOptions { LearningRate = 0.05, Epochs = 3, WarmupEpochs = 0.5 };
        double progress = 0.25;
        Assert.Equal(plain.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress / plain.Epochs))) * (progress / plain.WarmupEpochs), LearningRateSchedule.At(plain, 0, 25, 100));
    }

    [Fact]
    public void AdamWWithClippingAndNoDecayTrainsResumesExactlyAndIsRecorded()
    {
        string[] recipe = { "--optimizer", "adamw", "--lr", "0.001", "--weight-decay", "0.05", "--opt-betas", "0.9,0.98", "--no-decay-norm-bias", "--clip-grad", "1", "--warmup-epochs", "1", "--warmup-lr", "1e-5", "--min-lr", "1e-5" };
        string straight = Path.Combine(_cifar.Dir, "straight");
        var whole = CliRunner.Run(Train(straight, recipe.Concat(new[] { "--epochs", "2" }).ToArray()));
        Assert.True(whole.Code == 0, whole.Err);
        var config = new RunFolder(straight).ReadConfig().Options;
        Assert.Equal(OptimizerKind.AdamW, config.Optimizer);
        Assert.Equal((0.9, 0.98), (config.AdamBeta1, config.AdamBeta2));
        Assert.Equal(1, config.ClipGrad);
        Assert.True(config.NoDecayNormBias);
        Assert.Contains("\"optimizer\": \"adamw\"", File.ReadAllText(Path.Combine(straight, "config.json")));

        // Stopped after its first epoch (as Ctrl-C would), then resumed: the same metrics, since AdamW's moments and
        // step counts are in the checkpoint.
        StopAfterFirstEpoch.AssertResumeMatches(config, _cifar.Dir, "straight", "split");
    }


    [Theory]
    [InlineData("--opt-betas", "0.9", "--opt-betas must be two numbers in [0, 1)")]
    [InlineData("--clip-grad", "0", "--clip-grad must be a positive norm")]
    [InlineData("--min-lr", "1", "--min-lr must be between 0 and the learning rate (0.05); got 1.")]
    [InlineData("--optimizer", "lamb", "--optimizer must be sgd or adamw; got 'lamb'.")]
    public void BadOptimizationValuesAreUsageErrors(string flag, string value, string expected)
    {
        string[] adamw = flag == "--opt-betas" ? new[] { "--optimizer", "adamw" } : Array.Empty<string>();
        CliAssert.UsageError(CliRunner.Run(Train(Path.Combine(_cifar.Dir, "bad"), adamw.Concat(new[] { "--epochs", "1", flag, value }).ToArray())), expected);
    }

    [Fact]
    public void AdamWsOwnOptionsWithSgdAndSgdsWithAdamWAreRefused()
    {
        CliAssert.UsageError(CliRunner.Run(Train(Path.Combine(_cifar.Dir, "x"), "--epochs", "1", "--opt-eps", "1e-6")), "--opt-eps applies to --optimizer adamw.");
        CliAssert.UsageError(CliRunner.Run(Train(Path.Combine(_cifar.Dir, "x"), "--epochs", "1", "--optimizer", "adamw", "--momentum", "0.8")), "--momentum applies to --optimizer sgd");
        CliAssert.UsageError(CliRunner.Run(Train(Path.Combine(_cifar.Dir, "x"), "--epochs", "1", "--warmup-lr", "0.01")), "--warmup-lr needs --warmup-epochs > 0");
    }

    [Fact]
    public void TheMovingAverageStepsAsTimmsModelEmaV2()
    {
        using var model = ModelFactory.Create("fast-resnet", 3, 32, 10);
        using var ema = new ModelEma(model, () => ModelFactory.Create("fast-resnet", 3, 32, 10), 0.75);
        var start = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        using (torch.no_grad())
        {
            foreach (var p in model.parameters())
            {
                p.add_(1.0);
            }
        }

        ema.Update(model);
        foreach (var (name, averaged) in ema.Model.state_dict())
        {
            var expected = torch.is_floating_point(averaged) ? (start[name] * 0.75) + (model.state_dict()[name] * 0.25) : model.state_dict()[name];
            Assert.True(torch.allclose(averaged, expected, rtol: 1e-6, atol: 1e-6), name);
        }
    }

    [Fact]
    public void AnEmaRunRecordsItsColumnsResumesExactlyAndExportsTheAverage()
    {
        string straight = Path.Combine(_cifar.Dir, "ema");
        var whole = CliRunner.Run(Train(straight, "--epochs", "2", "--model-ema", "0.9", "--validation", "10"));
        Assert.True(whole.Code == 0, whole.Err);
        var rows = new RunFolder(straight).ReadMetrics();
        Assert.All(new[] { "ema_test_error", "ema_test_nll", "ema_test_ece", "ema_val_error" }, c => Assert.True(rows[^1].ContainsKey(c), c));
        Assert.True(double.IsFinite(rows[^1]["ema_test_error"]) && double.IsFinite(rows[0]["ema_val_error"]));
        Assert.Contains("val_ece,ema_test_error,ema_test_nll,ema_test_ece,ema_val_error,ema_val_nll,ema_val_ece,acc_", File.ReadAllLines(Path.Combine(straight, "metrics.csv"))[0]);

        // Stopped after its first epoch, then resumed: the same metrics, the average's included.
        var config = new RunFolder(straight).ReadConfig().Options;
        StopAfterFirstEpoch.AssertResumeMatches(config, _cifar.Dir, "ema", "ema-split");

        // export --ema writes the average, which is not the raw weights.
        Assert.Equal(0, CliRunner.Run("export", "--run", straight, "--format", "pt", "--out", Path.Combine(_cifar.Dir, "raw.pt")).Code);
        Assert.Equal(0, CliRunner.Run("export", "--run", straight, "--format", "pt", "--ema", "--out", Path.Combine(_cifar.Dir, "ema.pt")).Code);
        var raw = MixupSharp.Training.Interop.ModelImport.Read(Path.Combine(_cifar.Dir, "raw.pt"));
        var averaged = MixupSharp.Training.Interop.ModelImport.Read(Path.Combine(_cifar.Dir, "ema.pt"));
        Assert.Equal(raw.Keys.OrderBy(k => k), averaged.Keys.OrderBy(k => k));
        Assert.Contains(raw.Keys, k => !torch.equal(raw[k], averaged[k]).all().item<bool>());

        string plain = Path.Combine(_cifar.Dir, "plain");
        Assert.Equal(0, CliRunner.Run(Train(plain, "--epochs", "1")).Code);
        CliAssert.OneLineError(CliRunner.Run("export", "--run", plain, "--ema", "--out", Path.Combine(_cifar.Dir, "none.pt")), 1, "was not trained with --model-ema");
        CliAssert.UsageError(CliRunner.Run(Train(Path.Combine(_cifar.Dir, "bad-ema"), "--epochs", "1", "--model-ema", "1")), "--model-ema must be a decay in (0, 1)");
    }

    [Fact]
    public void RandAugmentsMagnitudeNoiseIsAnOptionOfItsPolicy()
    {
        string run = Path.Combine(_cifar.Dir, "mstd");
        var result = CliRunner.Run(Train(run, "--epochs", "1", "--policy", "randaugment", "--ra-magnitude", "27", "--ra-mstd", "1.5"));
        Assert.True(result.Code == 0, result.Err);
        Assert.Equal(1.5, new RunFolder(run).ReadConfig().Options.RaMagnitudeStd);
        CliAssert.UsageError(CliRunner.Run(Train(Path.Combine(_cifar.Dir, "mstd-alone"), "--epochs", "1", "--ra-mstd", "0.5")), "--ra-mstd applies to --policy randaugment");
        CliAssert.UsageError(CliRunner.Run(Train(Path.Combine(_cifar.Dir, "mstd-neg"), "--epochs", "1", "--policy", "randaugment", "--ra-mstd", "-1")), "--ra-mstd must be ≥ 0 bins");
    }

    [Fact]
    public void RandomErasingRunsBesideAMethodBeforeItAndIsRefusedTwice()
    {
        string run = Path.Combine(_cifar.Dir, "reprob");
        var result = CliRunner.Run(Train(run, "--epochs", "1", "--method", "mixup", "--reprob", "0.25", "--remode", "pixel", "--recount", "3"));
        Assert.True(result.Code == 0, result.Err);
        var o = new RunFolder(run).ReadConfig().Options;
        Assert.Equal((0.25, ErasingMode.Pixel, 3), (o.ReProb, o.ReMode, o.ReCount));

        // The pipeline: crop/flip, then the erasing, then the method, then Normalize (which stays last).
        var pipelines = new RunPipelines(o, 10, 32, new MixupSharp.Distortion.Normalize(new[] { 0.5, 0.5, 0.5 }, new[] { 0.25, 0.25, 0.25 }));
        using (var images = torch.rand(new long[] { 8, 3, 32, 32 }, generator: new Generator(1)))
        using (var labels = torch.arange(8, dtype: ScalarType.Int64))
        using (var result2 = pipelines.WithMethod.Apply(images, labels, new Generator(2)))
        {
            var steps = result2.Parameters.Steps.Select(p => p.Step).ToList();
            Assert.True(steps.IndexOf("reprob") > 0 && steps.IndexOf("reprob") < steps.IndexOf("Normalize"), string.Join(", ", steps));
        }

        CliAssert.UsageError(CliRunner.Run(Train(Path.Combine(_cifar.Dir, "twice"), "--epochs", "1", "--method", "random-erasing", "--reprob", "0.5")), "--reprob adds Random Erasing beside another method; with --method random-erasing give its --prob instead");
        CliAssert.UsageError(CliRunner.Run(Train(Path.Combine(_cifar.Dir, "mode"), "--epochs", "1", "--remode", "pixel")), "--remode applies with --reprob P > 0");
        CliAssert.UsageError(CliRunner.Run(Train(Path.Combine(_cifar.Dir, "prob"), "--epochs", "1", "--reprob", "1.5")), "--reprob must be a probability in [0, 1]");
    }
}
