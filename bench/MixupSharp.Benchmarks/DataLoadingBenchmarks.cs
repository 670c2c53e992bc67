using System.IO;
using BenchmarkDotNet.Attributes;
using MixupSharp.Training.Data;

namespace MixupSharp.Benchmarks;

/// <summary>
/// Time to load a training set into memory: Fashion-MNIST as found on this machine (Debian's dataset-fashion-mnist,
/// $MIXUPSHARP_DATA or the cache), and full-size CIFAR-10 binary files (50,000 records) generated in the official format.
/// Targets: under 3 s and under 2 s on 2 cores.
/// </summary>
[WarmupCount(1)]
[IterationCount(5)]
[InvocationCount(1)]
public class DataLoadingBenchmarks
{
    private string _cifarRoot = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _cifarRoot = Directory.CreateTempSubdirectory("mixupsharp-bench-cifar-").FullName;
        RandomCifar10.Write(_cifarRoot);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_cifarRoot, recursive: true);

    [Benchmark(Description = "Fashion-MNIST train (60k) into memory")]
    public long LoadFashionMnist()
    {
        using var data = DataLocator.Load(DatasetKind.FashionMnist, train: true);
        return data.Count;
    }

    [Benchmark(Description = "CIFAR-10 train (50k, generated) into memory")]
    public long LoadCifar10()
    {
        using var data = CifarFormat.LoadCifar10(_cifarRoot, train: true);
        return data.Count;
    }
}
