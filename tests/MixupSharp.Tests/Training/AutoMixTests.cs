using System;
using System.IO;
using System.Linq;
using MixupSharp.Mixing;
using MixupSharp.Tests.Data;
using MixupSharp.Training;
using MixupSharp.Training.Interop;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Models;
using MixupSharp.Training.Options;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Training;

/// <summary>AutoMix through the method seam: where gradients go, the momentum schedule, what the checkpoint and export hold.</summary>
public sealed class AutoMixTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-automix-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (AutoMixModules Modules, FastResNet Model) Build(TrainingOptions? options = null)
    {
        torch.manual_seed(4);
        var o = options ?? new TrainingOptions { Method = KnownMethods.Parse("automix"), Model = "fast-resnet", OutDir = string.Empty };
        var model = new FastResNet(3, 10);
        var modules = (AutoMixModules)o.Method.CreateModules(new MethodSetup(new MethodContext(o, 10, 32), model, () => new FastResNet(3, 10)))!;
        return (modules, model);
    }

    private static bool HasGradient(nn.Module module) => module.parameters().Any(p => p.grad is { } g && g.abs().sum().item<float>() > 0);

    [Fact]
    public void TheBlockLearnsOnlyThroughTheMomentumEncoderAndTheEncoderGetsNoGradient()
    {
        using var scope = torch.NewDisposeScope();
        var (modules, model) = Build();
        using var _ = modules;
        using var g = new Generator(2);
        var x = torch.randn(new long[] { 8, 3, 32, 32 }, generator: g);
        var targets = SoftTargets.FromIndices(torch.arange(8L) % 10, 10);

        // The model's losses (mixed by the detached mask, and clean): no gradient reaches the Mix Block.
        var losses = modules.Losses(model, x, targets, g);
        (losses.MixQ + losses.OneQ).backward();
        Assert.True(HasGradient(model), "the model's losses train the model");
        Assert.False(HasGradient(modules.Block), "the model's losses reached the Mix Block");
        Assert.All(modules.Encoder.parameters(), p => Assert.Null(p.grad));

        // The block's losses (through the momentum encoder, and the mask loss): the block learns, the model does not.
        model.zero_grad();
        var again = modules.Losses(model, x, targets, g);
        (again.MixK + again.MaskLoss).backward();
        Assert.True(HasGradient(modules.Block), "the Mix Block gets no gradient from its own loss");
        Assert.False(HasGradient(model), "the block's losses reached the model");
        Assert.All(modules.Encoder.parameters(), p => Assert.Null(p.grad));
        Assert.Equal(4, modules.Scale);   // fast-resnet's third stage is a quarter of the image's side, as ResNet-18's on CIFAR
    }

    [Fact]
    public void TheMomentumFollowsOpenMixupsCosineScheduleAndTheEncoderMovesTowardTheModel()
    {
        const double b = 0.999, e = 0.999999;
        Assert.Equal(b, AutoMixModules.Momentum(new StepProgress(0, 1000), b, e));
        Assert.Equal(b, AutoMixModules.Momentum(new StepProgress(99, 1000), b, e));
        Assert.Equal(e - ((e - b) * (Math.Cos(Math.PI * 0.1) + 1) / 2), AutoMixModules.Momentum(new StepProgress(100, 1000), b, e), 15);
        Assert.Equal((b + e) / 2, AutoMixModules.Momentum(new StepProgress(500, 1000), b, e), 12);
        Assert.Equal(e, AutoMixModules.Momentum(new StepProgress(1000, 1000), b, e), 15);

        using var scope = torch.NewDisposeScope();
        var (modules, model) = Build();
        using var _ = modules;
        var q = model.parameters().First();
        var k = modules.Encoder.parameters().First();
        Assert.True(q.equal(k).all().item<bool>(), "the momentum encoder starts as a copy of the model");
        using (torch.no_grad())
        {
            q.add_(1.0);
        }

        var before = k.clone();
        modules.AfterStep(model, new StepProgress(0, 1000));
        Assert.True((k - before).sub(torch.full_like(k, 0.001)).abs().max().item<float>() < 1e-5, "k ← 0.999·k + 0.001·q");
    }

    [Fact]
    public void AModelWithoutAThirdResidualStageIsRefusedNamingIt()
    {
        var o = new TrainingOptions { Method = KnownMethods.Parse("automix"), Model = "seednet", OutDir = string.Empty };
        using var model = new SeedNet(1, 28, 10);
        var error = Assert.Throws<InvalidOptionException>(() => o.Method.CreateModules(new MethodSetup(new MethodContext(o, 10, 28), model, () => new SeedNet(1, 28, 10))));
        Assert.Contains("seednet has none", error.Message);
    }

    [Fact]
    public void ARunCheckpointsTheBlockAndTheEncoderInItsOwnGroupAndExportsTheClassifierAlone()
    {
        string data = Path.Combine(_dir, "data");
        DataFiles.WriteCifar10(data, perBatch: 12, testCount: 20);
        var o = new TrainingOptions { Dataset = TrainingDataset.Cifar10, DataDir = data, Model = "fast-resnet", Method = KnownMethods.Parse("automix"), Epochs = 1, BatchSize = 16, LearningRate = 0.05, Seed = 3, OutDir = Path.Combine(_dir, "run") }
            .With(AutoMixMethod.BlockLearningRate, "0.2");
        Assert.Equal(RunOutcome.Completed, new Trainer(o, new NullObserver()).Run(resume: false));

        // The checkpoint holds the model, an optimizer with the block's group, and the block and encoder.
        var (modules, model) = Build(o);
        using var _ = modules;
        using var optimizer = Optimizers.Create(o, model, modules.ParameterGroups);
        Assert.Equal(2, optimizer.ParamGroups.Count());
        Assert.Equal(0.2, optimizer.ParamGroups.Last().LearningRate, 12);
        var blockBefore = modules.Block.parameters().First().clone();
        Checkpoint.Load(Path.Combine(o.OutDir, "checkpoint.bin"), model, (TorchSharp.Modules.OptimizerHelper)optimizer, method: modules.Module);
        Assert.False(modules.Block.parameters().First().equal(blockBefore).all().item<bool>(), "the trained block was not in the checkpoint");

        // Evaluation and export take the classifier only: its state dict is a plain fast-resnet's.
        var trained = TrainedModel.Load(o.OutDir, torch.CPU);
        using var plain = new FastResNet(3, 10);
        Assert.Equal(plain.state_dict().Keys.OrderBy(k => k), trained.Model.state_dict().Keys.OrderBy(k => k));
        string pt = Path.Combine(_dir, "model.pt");
        ModelExport.Save(trained.Model, ExportFormat.Pt, pt);
        Assert.True(new FileInfo(pt).Length > 0);
        trained.Model.Dispose();
    }

    private sealed class NullObserver : ITrainingObserver
    {
        public void OnStep(int epoch, int epochs, long step, long steps, double loss, double imagesPerSecond, TimeSpan elapsed)
        {
        }

        public void OnEpoch(EpochMetrics metrics, int epochs)
        {
        }

        public void Info(string message)
        {
        }
    }
}
