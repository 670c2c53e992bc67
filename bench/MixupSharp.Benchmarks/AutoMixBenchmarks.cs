using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using MixupSharp.Losses;
using MixupSharp.Mixing;
using MixupSharp.Training;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Models;
using MixupSharp.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Benchmarks;

/// <summary>
/// AutoMix's step against a plain step of the same model, fast-resnet (AutoMix needs a third residual stage, so SeedNet,
/// the other benchmarks' baseline, cannot run it): the momentum encoder's features, the Mix Block twice, the encoder
/// on the block's mix with its backward to the block, the model on the clean and the mixed batch, one SGD step over both
/// parameter groups, and the momentum update.
/// </summary>
[MemoryDiagnoser(false)]
public class AutoMixBenchmarks
{
    private Tensor _images = null!;
    private Tensor _targets = null!;
    private Generator _generator = null!;
    private FastResNet _model = null!;
    private MethodModules _automix = null!;
    private optim.Optimizer _plain = null!;
    private optim.Optimizer _both = null!;
    private long _iteration;

    /// <summary>The batch shape: 1×28×28 (Fashion-MNIST) or 3×32×32 (CIFAR).</summary>
    [Params("128x1x28x28", "128x3x32x32")]
    public string Batch { get; set; } = "128x1x28x28";

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Environment.ProcessorCount);
        var dims = Array.ConvertAll(Batch.Split('x'), long.Parse);
        _generator = new Generator(42);
        _images = torch.randn(dims, generator: _generator);
        _targets = SoftTargets.FromIndices(torch.randint(10, new[] { dims[0] }, generator: _generator), 10);
        _model = new FastResNet((int)dims[1], 10);
        var o = new TrainingOptions { Method = KnownMethods.Parse("automix"), Model = "fast-resnet", OutDir = string.Empty, Alpha = 2 };
        _automix = o.Method.CreateModules(new MethodSetup(new MethodContext(o, 10, dims[2]), _model, () => new FastResNet((int)dims[1], 10)))!;
        _plain = Optimizers.Create(o, _model);
        _both = Optimizers.Create(o, _model, _automix.ParameterGroups);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _images.Dispose();
        _targets.Dispose();
        _generator.Dispose();
        _automix.Dispose();
        _model.Dispose();
    }

    [Benchmark(Baseline = true, Description = "fast-resnet train step")]
    public float PlainStep()
    {
        using var scope = NewDisposeScope();
        _plain.zero_grad();
        var loss = SoftTargetCrossEntropy.Compute(_model.call(_images), _targets);
        loss.backward();
        _plain.step();
        return loss.item<float>();
    }

    [Benchmark(Description = "AutoMix step")]
    public float AutoMixStep()
    {
        using var scope = NewDisposeScope();
        var progress = new StepProgress(_iteration++, 100_000);
        _both.zero_grad();
        var loss = _automix.Loss(_model, _images, _targets, _generator, progress);
        loss.backward();
        _both.step();
        _automix.AfterStep(_model, progress);
        return loss.item<float>();
    }
}
