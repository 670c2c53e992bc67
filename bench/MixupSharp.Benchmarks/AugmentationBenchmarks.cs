using System;
using BenchmarkDotNet.Attributes;
using MixupSharp.Composite;
using MixupSharp.Distortion;
using MixupSharp.Losses;
using MixupSharp.Masking;
using MixupSharp.Mixing;
using MixupSharp.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Benchmarks;

/// <summary>
/// Every augmentation on a float batch of 128 images, against one SeedNet training step (forward, backward, SGD step)
/// on the same batch: the Ratio column is each op's cost as a fraction of a step. One dispose scope per invocation.
/// </summary>
[MemoryDiagnoser(false)]
public class AugmentationBenchmarks
{
    private Tensor _images = null!;
    private Tensor _labels = null!;
    private Generator _generator = null!;
    private SeedNetStep _step = null!;
    private Mixup _mixup = null!;
    private CutMix _cutmix = null!;
    private MixupOrCutMix _mixupOrCutMix = null!;
    private Cutout _cutout = null!;
    private RandomErasing _erasing = null!;
    private GridMask _gridMask = null!;
    private PixelMask _pixelMask = null!;
    private RandomAffine _affine = null!;
    private RandomCrop _crop = null!;
    private RandomHorizontalFlip _flip = null!;
    private MaskDistortMix<AffineParameters> _linear = null!;
    private MaskDistortMix<AffineParameters> _geometric = null!;
    private FMix _fmix = null!;
    private ResizeMix _resizeMix = null!;
    private SaliencyMix _saliencyMix = null!;
    private SmoothMix _smoothMix = null!;
    private GridMix _gridMix = null!;

    /// <summary>The batch shape: 3×32×32 (CIFAR) or 1×28×28 (Fashion-MNIST).</summary>
    [Params("128x3x32x32", "128x1x28x28")]
    public string Batch { get; set; } = "128x3x32x32";

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Environment.ProcessorCount);
        var dims = Array.ConvertAll(Batch.Split('x'), long.Parse);
        _generator = new Generator(42);
        _images = torch.rand(dims, generator: _generator);
        _labels = torch.randint(10, new[] { dims[0] }, generator: _generator);
        _step = new SeedNetStep(_images, _labels);
        _mixup = new Mixup(10);
        _cutmix = new CutMix(10);
        _mixupOrCutMix = new MixupOrCutMix(10, new MixupOrCutMixOptions { Mode = MixMode.PerSample });
        _cutout = new Cutout();
        _erasing = new RandomErasing(new RandomErasingOptions { Probability = 1 });
        _gridMask = new GridMask(new GridMaskOptions { UnitSizeRange = (8, 16) });
        _pixelMask = new PixelMask();
        _affine = new RandomAffine();
        _crop = new RandomCrop(new RandomCropOptions { Padding = 4 });
        _flip = new RandomHorizontalFlip();
        _linear = MaskDistortMix.Create(10);
        _geometric = MaskDistortMix.Create(10, new MaskDistortMixOptions { Blend = Blend.Geometric });
        _fmix = new FMix(10);
        _resizeMix = new ResizeMix(10);
        _saliencyMix = new SaliencyMix(10);
        _smoothMix = new SmoothMix(10);
        _gridMix = new GridMix(10);
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
    public void Mixup() => SeedNetStep.Measure(() => _mixup.Apply(_images, _labels, _generator));

    [Benchmark]
    public void FMix() => SeedNetStep.Measure(() => _fmix.Apply(_images, _labels, _generator));

    [Benchmark]
    public void ResizeMix() => SeedNetStep.Measure(() => _resizeMix.Apply(_images, _labels, _generator));

    [Benchmark]
    public void SaliencyMix() => SeedNetStep.Measure(() => _saliencyMix.Apply(_images, _labels, _generator));

    [Benchmark]
    public void SmoothMix() => SeedNetStep.Measure(() => _smoothMix.Apply(_images, _labels, _generator));

    [Benchmark]
    public void GridMix() => SeedNetStep.Measure(() => _gridMix.Apply(_images, _labels, _generator));

    [Benchmark]
    public void CutMix() => SeedNetStep.Measure(() => _cutmix.Apply(_images, _labels, _generator));

    [Benchmark]
    public void MixupOrCutMix() => SeedNetStep.Measure(() => _mixupOrCutMix.Apply(_images, _labels, _generator));

    [Benchmark]
    public void Cutout() => SeedNetStep.Measure(() => _cutout.Apply(_images, _generator));

    [Benchmark]
    public void RandomErasing() => SeedNetStep.Measure(() => _erasing.Apply(_images, _generator));

    [Benchmark]
    public void GridMask() => SeedNetStep.Measure(() => _gridMask.Apply(_images, _generator));

    [Benchmark]
    public void PixelMask() => SeedNetStep.Measure(() => _pixelMask.Apply(_images, _generator));

    [Benchmark]
    public void RandomAffine() => SeedNetStep.Measure(() => _affine.Apply(_images, _generator));

    [Benchmark(Description = "RandomCrop+Flip")]
    public void CropAndFlip()
    {
        using var scope = NewDisposeScope();
        using var cropped = _crop.Apply(_images, _generator);
        using var flipped = _flip.Apply(cropped.Inputs, _generator);
    }

    [Benchmark(Description = "MaskDistortMix linear")]
    public void MaskDistortMixLinear() => SeedNetStep.Measure(() => _linear.Apply(_images, _labels, _generator));

    [Benchmark(Description = "MaskDistortMix geometric")]
    public void MaskDistortMixGeometric() => SeedNetStep.Measure(() => _geometric.Apply(_images, _labels, _generator));

}
