using System;
using BenchmarkDotNet.Attributes;
using MixupSharp.Detection;
using MixupSharp.Distortion;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Benchmarks;

/// <summary>The detection ops on 128 images of 3×64×64 with 8 box slots each (Mosaic's target: ≤ 5 ms).</summary>
[MemoryDiagnoser]
public class DetectionBenchmarks
{
    private Tensor _images = null!;
    private BoxBatch _boxes = null!;
    private Generator _generator = null!;
    private readonly Mosaic _mosaic = new();
    private readonly DetectionMixup _mixup = new();
    private readonly RandomAffine _affine = new();

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Environment.ProcessorCount);
        _generator = new Generator(42);
        _images = torch.rand(new long[] { 128, 3, 64, 64 }, generator: _generator);
        var corners = torch.rand(new long[] { 128, 8, 2 }, generator: _generator) * 48;
        var sizes = (torch.rand(new long[] { 128, 8, 2 }, generator: _generator) * 16) + 2;
        _boxes = new BoxBatch(torch.cat(new[] { corners, corners + sizes }, 2), torch.randint(0, 20, new long[] { 128, 8 }, generator: _generator));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _images.Dispose();
        _boxes.Dispose();
        _generator.Dispose();
    }

    [Benchmark]
    public void Mosaic()
    {
        using var result = _mosaic.Apply(_images, _boxes, _generator);
    }

    [Benchmark(Description = "Detection Mixup")]
    public void DetectionMixup()
    {
        using var result = _mixup.Apply(_images, _boxes, _generator);
    }

    [Benchmark(Description = "RandomAffine boxes")]
    public void AffineBoxes()
    {
        using var draw = _affine.Sample(_images.shape, _generator);
        using var boxes = RandomAffine.ApplyToBoxes(_boxes, draw, 64, 64);
    }
}
