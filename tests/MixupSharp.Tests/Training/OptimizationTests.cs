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
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-optim-").FullName;
    private readonly string _data;

    public OptimizationTests()
    {
        _data = Path.Combine(_dir, "data");
        DataFiles.WriteCifar10(_data, perBatch: 8, testCount: 12);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[] Train(string outDir, params string[] more) =>
        new[] { "train", "--dataset", "cifar10", "--data-dir", _data, "--model", "fast-resnet", "--batch-size", "16", "--threads", "1", "--out", outDir }.Concat(more).ToArray();

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
        string straight = Path.Combine(_dir, "straight");
        var whole = CliRunner.Run(Train(straight, recipe.Concat(new[] { "--epochs", "2" }).ToArray()));
        Assert.True(whole.Code == 0, whole.Err);
        var config = new RunFolder(straight).ReadConfig().Options;
        Assert.Equal(OptimizerKind.AdamW, config.Optimizer);
        Assert.Equal(new[] { 0.9, 0.98 }, config.OptimizerBetas);
        Assert.Equal(1, config.ClipGrad);
        Assert.True(config.NoDecayNormBias);
        Assert.Contains("\"Optimizer\": \"adamw\"", File.ReadAllText(Path.Combine(straight, "config.json")));

        // Stopped after its first epoch (as Ctrl-C would), then resumed: the same metrics, since AdamW's moments and
        // step counts are in the checkpoint.
        string split = Path.Combine(_dir, "split");
        using (var stop = new System.Threading.CancellationTokenSource())
        {
            var outcome = new Trainer(config with { OutDir = split }, new SilentObserver(), new StopAfterFirstEpoch(stop)).Run(resume: false, stop.Token);
            Assert.Equal(RunOutcome.Interrupted, outcome);
        }

        var second = CliRunner.Run("train", "--resume", split);
        Assert.True(second.Code == 0, second.Err);
        Assert.Equal(Grids.TinyGrid.MetricsWithoutTiming(_dir, "straight"), Grids.TinyGrid.MetricsWithoutTiming(_dir, "split"));
    }

    private sealed class StopAfterFirstEpoch : MixupSharp.Training.Sinks.ITrainingSink
    {
        private readonly System.Threading.CancellationTokenSource _stop;

        public StopAfterFirstEpoch(System.Threading.CancellationTokenSource stop) => _stop = stop;

        public void OnEpochSaved(MixupSharp.Training.Sinks.EpochReport report) => _stop.Cancel();
    }

    [Theory]
    [InlineData("--opt-betas", "0.9", "--opt-betas must be two numbers in [0, 1)")]
    [InlineData("--clip-grad", "0", "--clip-grad must be a positive norm")]
    [InlineData("--min-lr", "1", "--min-lr must be between 0 and --lr")]
    [InlineData("--optimizer", "lamb", "--optimizer must be sgd or adamw; got 'lamb'.")]
    public void BadOptimizationValuesAreUsageErrors(string flag, string value, string expected)
    {
        string[] adamw = flag == "--opt-betas" ? new[] { "--optimizer", "adamw" } : Array.Empty<string>();
        CliAssert.UsageError(CliRunner.Run(Train(Path.Combine(_dir, "bad"), adamw.Concat(new[] { "--epochs", "1", flag, value }).ToArray())), expected);
    }

    [Fact]
    public void AdamWsOwnOptionsWithSgdAndSgdsWithAdamWAreRefused()
    {
        CliAssert.UsageError(CliRunner.Run(Train(Path.Combine(_dir, "x"), "--epochs", "1", "--opt-eps", "1e-6")), "--opt-eps applies to --optimizer adamw.");
        CliAssert.UsageError(CliRunner.Run(Train(Path.Combine(_dir, "x"), "--epochs", "1", "--optimizer", "adamw", "--momentum", "0.8")), "--momentum applies to --optimizer sgd");
        CliAssert.UsageError(CliRunner.Run(Train(Path.Combine(_dir, "x"), "--epochs", "1", "--warmup-lr", "0.01")), "--warmup-lr needs --warmup-epochs > 0");
    }
}
