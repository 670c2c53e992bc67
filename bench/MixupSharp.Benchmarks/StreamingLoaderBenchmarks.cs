using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using MixupSharp.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Benchmarks;

/// <summary>
/// One epoch of the streaming loader over the loader benchmark's folder (2,000 JPEGs at 256 px, written by
/// bench/loader/make_folder.py into $TMPDIR/mixupsharp-loader-bench): RandomResizedCrop 224 on 2 workers, batch 64.
/// The PyTorch side and the alternated comparison are bench/loader/run.sh; this is the same epoch under
/// BenchmarkDotNet's statistics.
/// </summary>
[WarmupCount(1)]
[IterationCount(5)]
[InvocationCount(1)]
public class StreamingLoaderBenchmarks
{
    private StreamingImageDataset? _data;
    private Generator? _generator;
    private long _epoch;

    [GlobalSetup]
    public void Setup()
    {
        string root = Path.Combine(Path.GetTempPath(), "mixupsharp-loader-bench", "train");
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"{root} is missing: run /usr/bin/python3 bench/loader/make_folder.py {Path.GetDirectoryName(root)} first.");
        }

        torch.set_num_threads(1);
        _data = StreamingSources.Folder(root, new StreamingOptions { Size = 224, Workers = 2, Transform = StreamTransform.RandomResizedCrop, Seed = 1 });
        _generator = new Generator(1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _data?.Dispose();
        _generator?.Dispose();
    }

    [Benchmark(Description = "stream 2,000 JPEGs: RandomResizedCrop 224, 2 workers, batch 64")]
    public long Epoch()
    {
        var loader = new BatchLoader(_data!, new BatchLoaderOptions { BatchSize = 64 }, _generator);
        long images = 0;
        foreach (var batch in loader.Batches(loader.NextOrder(), 0, salt: _epoch++))
        {
            using (batch)
            {
                images += batch.Images.shape[0];
            }
        }

        return images;
    }
}
