using System;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Options;

namespace MixupSharp.Training.Benchmarks;

/// <summary>What <see cref="SystemBenchmark"/> measures and on what.</summary>
public sealed record SystemBenchmarkOptions
{
    /// <summary>The dataset of the throughput and memory runs (Fashion-MNIST by default).</summary>
    public TrainingDataset Dataset { get; init; } = TrainingDataset.FashionMnist;

    /// <summary>Where the dataset is (see DataLocator).</summary>
    public string? DataDir { get; init; }

    /// <summary>The model of the throughput and memory runs.</summary>
    public string Model { get; init; } = "seednet";

    /// <summary>The batch size.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Torch threads (0: all cores).</summary>
    public int Threads { get; init; }

    /// <summary>How many times each measurement is repeated; the median is reported.</summary>
    public int Repeats { get; init; } = 3;

    /// <summary>Training batches per timed epoch of the trainer-against-bare-loop comparison.</summary>
    public int Steps { get; init; } = 300;

    /// <summary>Epochs of the memory run (resident memory is read at the end of epoch 2 and of this one).</summary>
    public int MemoryEpochs { get; init; } = 10;

    /// <summary>Training images of the memory run (a stratified subset, so ten epochs take minutes).</summary>
    public long MemorySubset { get; init; } = 10_000;

    /// <summary>The method of the memory run.</summary>
    public TrainingMethod MemoryMethod { get; init; } = KnownMethods.Mixup;

    /// <summary>Where temporary run folders and generated CIFAR-10 files go (default: a new temporary folder, removed after).</summary>
    public string? WorkDir { get; init; }

    /// <summary>Which parts to run.</summary>
    public BenchmarkParts Parts { get; init; } = BenchmarkParts.All;
}

/// <summary>The parts of <see cref="SystemBenchmark.Run"/>.</summary>
[Flags]
public enum BenchmarkParts
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>The trainer against a bare forward/backward/step loop, with an A/A control.</summary>
    Trainer = 1,

    /// <summary>Loader throughput, alone and with crop/flip/normalize.</summary>
    Loader = 2,

    /// <summary>Resident memory over a run's epochs.</summary>
    Memory = 4,

    /// <summary>Dataset load times.</summary>
    Load = 8,

    /// <summary>Every part.</summary>
    All = Trainer | Loader | Memory | Load,
}
