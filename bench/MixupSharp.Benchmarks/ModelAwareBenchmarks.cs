using System;
using BenchmarkDotNet.Attributes;
using MixupSharp.Mixing;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Benchmarks;

/// <summary>
/// The methods that use the model, against one SeedNet training step on the same batch (issue 30: their step cost as a
/// multiple of a plain step). PuzzleMix's step is the saliency pass (forward and input gradient on the clean batch), the
/// draw (labelling by alpha-beta swap and transport, on the CPU, a grid side drawn per batch from {2, 4, 7, 14} on
/// 28-px images) and the step on the mixed batch; its parts are timed on their own too.
/// </summary>
[MemoryDiagnoser(false)]
public class ModelAwareBenchmarks
{
    private Tensor _images = null!;
    private Tensor _labels = null!;
    private Tensor _saliency = null!;
    private Generator _generator = null!;
    private SeedNetStep _step = null!;
    private PuzzleMix _puzzle = null!;
    private PuzzleMix _puzzleNoTransport = null!;

    /// <summary>The batch shape: 1×28×28 (Fashion-MNIST) or 3×32×32 (CIFAR, the reference's sides {2, 4, 8, 16}).</summary>
    [Params("128x1x28x28", "128x3x32x32")]
    public string Batch { get; set; } = "128x1x28x28";

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Environment.ProcessorCount);
        var dims = Array.ConvertAll(Batch.Split('x'), long.Parse);
        _generator = new Generator(42);
        _images = torch.randint(0, 256, dims, generator: _generator).to_type(ScalarType.Float32) / 255.0;
        _labels = torch.randint(10, new[] { dims[0] }, generator: _generator);
        _saliency = torch.rand(new[] { dims[0], dims[2], dims[3] }, generator: _generator);
        _step = new SeedNetStep(_images, _labels);
        _puzzle = new PuzzleMix(10);
        _puzzleNoTransport = new PuzzleMix(10, new PuzzleMixOptions { Transport = false });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _images.Dispose();
        _labels.Dispose();
        _saliency.Dispose();
        _generator.Dispose();
        _step.Dispose();
    }

    [Benchmark(Baseline = true, Description = "SeedNet train step")]
    public float SeedNetTrainStep() => _step.Run();

    [Benchmark(Description = "PuzzleMix step")]
    public float PuzzleMixStep() => _step.RunPuzzleMix(_puzzle, _generator);

    [Benchmark(Description = "PuzzleMix saliency pass")]
    public void PuzzleMixSaliency() => _step.RunSaliency();

    [Benchmark(Description = "PuzzleMix draw")]
    public void PuzzleMixDraw() => _puzzle.Sample(_images, _saliency, _generator).Dispose();

    [Benchmark(Description = "PuzzleMix draw, no transport")]
    public void PuzzleMixDrawNoTransport() => _puzzleNoTransport.Sample(_images, _saliency, _generator).Dispose();
}
