using System;
using BenchmarkDotNet.Attributes;
using MixupSharp.Losses;
using MixupSharp.Mixing;
using MixupSharp.Policies;
using MixupSharp.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Benchmarks;

/// <summary>
/// The policy augmentations on a float batch of 128 images in [0, 1], against one SeedNet training step on the same
/// batch (the Ratio column: each policy's cost as a fraction of a step). Targets (issue 16): TrivialAugmentWide and
/// RandAugment(N = 2) ≤ 3% of the step on 128×3×32×32.
/// </summary>
[MemoryDiagnoser(false)]
public class PolicyBenchmarks
{
    private Tensor _images = null!;
    private Tensor _labels = null!;
    private Generator _generator = null!;
    private SeedNetStep _step = null!;
    private TrivialAugmentWide _trivial = null!;
    private RandAugment _rand = null!;
    private AutoAugment _auto = null!;
    private AugMix _augmix = null!;

    /// <summary>The batch shape: 3×32×32 (CIFAR) or 1×28×28 (Fashion-MNIST).</summary>
    [Params("128x3x32x32", "128x1x28x28")]
    public string Batch { get; set; } = "128x3x32x32";

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Environment.ProcessorCount);
        var dims = Array.ConvertAll(Batch.Split('x'), long.Parse);
        _generator = new Generator(42);
        _images = torch.randint(0, 256, dims, generator: _generator).to_type(ScalarType.Float32) / 255.0;
        _labels = torch.randint(10, new[] { dims[0] }, generator: _generator);
        _step = new SeedNetStep(_images, _labels);
        _trivial = new TrivialAugmentWide();
        _rand = new RandAugment();
        _auto = new AutoAugment(new AutoAugmentOptions { Policy = AutoAugmentPolicy.Cifar10 });
        _augmix = new AugMix();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _images.Dispose();
        _labels.Dispose();
        _generator.Dispose();
        _step.Dispose();
    }

    [Benchmark(Baseline = true, Description = "SeedNet train step")]
    public float SeedNetTrainStep() => _step.Run();

    [Benchmark]
    public void TrivialAugmentWide() => SeedNetStep.Measure(() => _trivial.Apply(_images, _generator));

    [Benchmark(Description = "RandAugment N=2")]
    public void RandAugment() => SeedNetStep.Measure(() => _rand.Apply(_images, _generator));

    [Benchmark(Description = "AutoAugment cifar10")]
    public void AutoAugment() => SeedNetStep.Measure(() => _auto.Apply(_images, _generator));

    [Benchmark(Description = "AugMix one view")]
    public void AugMix() => SeedNetStep.Measure(() => _augmix.Apply(_images, _generator));

}

/// <summary>
/// AugMix's two augmented views against the three-view Jensen–Shannon step they feed (forward of clean, view 1 and view
/// 2, soft-target cross-entropy on the clean view plus 12 × JSD, backward, SGD step; the views prepared beforehand), on
/// 128×3×32×32. Target (issue 16): the two views ≤ 10% of that step.
/// </summary>
[MemoryDiagnoser(false)]
public class AugMixJsdBenchmarks
{
    private Tensor _images = null!;
    private Tensor _labels = null!;
    private Tensor _view1 = null!;
    private Tensor _view2 = null!;
    private Generator _generator = null!;
    private SeedNet _model = null!;
    private optim.Optimizer _optimizer = null!;
    private AugMix _augmix = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Environment.ProcessorCount);
        _generator = new Generator(42);
        _images = torch.randint(0, 256, new long[] { 128, 3, 32, 32 }, generator: _generator).to_type(ScalarType.Float32) / 255.0;
        _labels = torch.randint(10, new long[] { 128 }, generator: _generator);
        _model = new SeedNet(3, 32, 10);
        _optimizer = optim.SGD(_model.parameters(), 0.01, momentum: 0.9);
        _augmix = new AugMix();
        using (var first = _augmix.Apply(_images, _generator))
        using (var second = _augmix.Apply(_images, _generator))
        {
            _view1 = first.Inputs.clone();
            _view2 = second.Inputs.clone();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _images.Dispose();
        _labels.Dispose();
        _view1.Dispose();
        _view2.Dispose();
        _generator.Dispose();
        _model.Dispose();
    }

    [Benchmark(Baseline = true, Description = "JSD step, 3 views")]
    public float JsdStep()
    {
        using var scope = NewDisposeScope();
        using var targets = SoftTargets.FromIndices(_labels, 10);
        _optimizer.zero_grad();
        var clean = _model.call(_images);
        var loss = SoftTargetCrossEntropy.Compute(clean, targets) + JensenShannonConsistency.Compute(12, clean, _model.call(_view1), _model.call(_view2));
        loss.backward();
        _optimizer.step();
        return loss.item<float>();
    }

    [Benchmark(Description = "AugMix two views")]
    public void AugMixTwoViews()
    {
        using var scope = NewDisposeScope();
        using var first = _augmix.Apply(_images, _generator);
        using var second = _augmix.Apply(_images, _generator);
    }
}
