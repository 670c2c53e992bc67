using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Data;

/// <summary>Options of <see cref="BatchLoader"/>.</summary>
public sealed record BatchLoaderOptions
{
    /// <summary>Samples per batch. Default 128.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Shuffle each epoch with the loader's generator. Default true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Drop a last batch smaller than <see cref="BatchSize"/>. Default false.</summary>
    public bool DropLast { get; init; }

    /// <summary>Where batches are placed; the CPU when null.</summary>
    public Device? Device { get; init; }

    /// <summary>How many batches are prepared ahead on a background thread (0: prepare on demand). Default 2.</summary>
    public int Prefetch { get; init; } = 2;
}

/// <summary>One batch: float images in [0, 1], labels, and the dataset indices of its samples. Dispose it when done.</summary>
public sealed class LoadedBatch : IDisposable
{
    internal LoadedBatch(Tensor images, Tensor labels, Tensor indices)
    {
        Images = images;
        Labels = labels;
        Indices = indices;
    }

    /// <summary>Float32 images [B, C, H, W] in [0, 1] on the loader's device.</summary>
    public Tensor Images { get; }

    /// <summary>Int64 labels [B] on the loader's device.</summary>
    public Tensor Labels { get; }

    /// <summary>Int64 indices [B] of the samples in the dataset (CPU), e.g. to track flipped labels.</summary>
    public Tensor Indices { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
        Indices.Dispose();
    }
}

/// <summary>How long consumers waited for batches: evidence that training, not loading, is the bottleneck.</summary>
public sealed class LoaderStatistics
{
    private long _waitTicks;
    private long _batches;
    private long _waits;

    /// <summary>Batches handed out.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Batches that were not ready when asked for.</summary>
    public long Waits => Interlocked.Read(ref _waits);

    /// <summary>Total time consumers spent waiting for batches.</summary>
    public TimeSpan WaitTime => TimeSpan.FromTicks(Interlocked.Read(ref _waitTicks));

    internal void Record(TimeSpan waited, bool hadToWait)
    {
        Interlocked.Add(ref _waitTicks, waited.Ticks);
        Interlocked.Increment(ref _batches);
        if (hadToWait)
        {
            Interlocked.Increment(ref _waits);
        }
    }
}

/// <summary>
/// Serves batches from an <see cref="ImageDataset"/>: a seeded shuffle per epoch (from an injected generator), optional
/// drop-last, conversion to float in [0, 1] on the chosen device, and the next batches prepared on a background thread
/// while the current one trains. Augmentations are applied by the caller per batch (see <see cref="StandardAugmentation"/>).
/// </summary>
/// <remarks>
/// Batches are created on the background thread, outside the consumer's dispose scope: dispose each
/// <see cref="LoadedBatch"/> (e.g. with <c>using</c>).
/// </remarks>
public sealed class BatchLoader
{
    private readonly ImageDataset _data;
    private readonly Generator? _generator;
    private long _salt;

    /// <summary>Creates a loader over <paramref name="data"/> (not owned).</summary>
    public BatchLoader(ImageDataset data, BatchLoaderOptions? options = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Options = options ?? new BatchLoaderOptions();
        if (Options.BatchSize < 1 || Options.Prefetch < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"BatchLoaderOptions needs BatchSize ≥ 1 and Prefetch ≥ 0; got {Options.BatchSize} and {Options.Prefetch}.");
        }

        _data = data;
        _generator = generator;
    }

    /// <summary>The options in force.</summary>
    public BatchLoaderOptions Options { get; }

    /// <summary>Wait-time statistics over the loader's lifetime.</summary>
    public LoaderStatistics Statistics { get; } = new();

    /// <summary>Batches per epoch.</summary>
    public long BatchesPerEpoch => Options.DropLast ? _data.Count / Options.BatchSize : (_data.Count + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The sample order of the next epoch: a permutation drawn from the generator (or 0..N−1 without shuffling).</summary>
    public long[] NextOrder()
    {
        using var scope = torch.NewDisposeScope();
        return Options.Shuffle
            ? torch.randperm(_data.Count, dtype: ScalarType.Int64, generator: _generator).data<long>().ToArray()
            : torch.arange(_data.Count, dtype: ScalarType.Int64).data<long>().ToArray();
    }

    /// <summary>One epoch of batches in a fresh order, starting at batch <paramref name="startBatch"/> (to resume mid-epoch).</summary>
    public IEnumerable<LoadedBatch> Epoch(long startBatch = 0) => Batches(NextOrder(), startBatch);

    /// <summary>One epoch of batches in the given order, starting at batch <paramref name="startBatch"/>.</summary>
    /// <remarks><paramref name="salt"/> varies a streamed set's random crops between epochs (<see cref="ImageDataset.ReadImages"/>).</remarks>
    public IEnumerable<LoadedBatch> Batches(long[] order, long startBatch = 0, long salt = 0)
    {
        _salt = salt;
        ArgumentNullException.ThrowIfNull(order);
        long batches = Options.DropLast ? order.Length / Options.BatchSize : (order.Length + Options.BatchSize - 1) / Options.BatchSize;
        if (Options.Prefetch == 0)
        {
            for (long b = startBatch; b < batches; b++)
            {
                var clock = Stopwatch.StartNew();
                var batch = Make(order, b);
                Statistics.Record(clock.Elapsed, hadToWait: true);
                yield return batch;
            }

            yield break;
        }

        using var queue = new BlockingCollection<LoadedBatch>(Options.Prefetch);
        using var cancel = new CancellationTokenSource();
        var producer = Task.Run(() =>
        {
            try
            {
                for (long b = startBatch; b < batches && !cancel.IsCancellationRequested; b++)
                {
                    var batch = Make(order, b);
                    try
                    {
                        queue.Add(batch, cancel.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        batch.Dispose();
                        return;
                    }
                }
            }
            finally
            {
                queue.CompleteAdding();
            }
        });

        try
        {
            while (true)
            {
                var clock = Stopwatch.StartNew();
                bool ready = queue.TryTake(out var batch);
                if (!ready)
                {
                    if (queue.IsCompleted)
                    {
                        break;
                    }

                    try
                    {
                        batch = queue.Take();
                    }
                    catch (InvalidOperationException)
                    {
                        break;   // completed while waiting
                    }
                }

                Statistics.Record(clock.Elapsed, hadToWait: !ready);
                yield return batch!;
            }

            producer.GetAwaiter().GetResult();   // surface a producer failure
        }
        finally
        {
            cancel.Cancel();
            try
            {
                producer.Wait();
            }
            catch (AggregateException)
            {
            }

            while (queue.TryTake(out var left))
            {
                left.Dispose();
            }
        }
    }

    private LoadedBatch Make(long[] order, long batchIndex)
    {
        long start = batchIndex * Options.BatchSize;
        long count = Math.Min(Options.BatchSize, order.Length - start);
        var slice = new long[count];
        Array.Copy(order, start, slice, 0, count);
        using var scope = torch.NewDisposeScope();
        var indices = torch.tensor(slice, dtype: ScalarType.Int64);
        var device = Options.Device ?? CPU;
        var images = _data.ReadImages(slice, _salt).to(device).to_type(ScalarType.Float32).div_(255f);
        var labels = _data.Labels.index_select(0, indices).to(device);
        return new LoadedBatch(images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope(), indices.MoveToOuterDisposeScope());
    }
}
