using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using MixupSharp.Distortion;
using MixupSharp.Training.Data;
using MixupSharp.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Benchmarks;

/// <summary>What streaming a run's training images through the loader alone costs (<c>mixup loader</c>).</summary>
/// <param name="Images">Images in the training set.</param>
/// <param name="ImagesPerSecond">Each epoch's images/s: decode, crop, resize, batch, flip and normalize.</param>
/// <param name="PeakResidentMb">The process's peak resident memory (Linux VmHWM), MB; NaN where it cannot be read.</param>
/// <param name="Fingerprint">A hash of every batch's bytes in order (equal for equal seeds, whatever the workers); null when not asked for.</param>
public sealed record LoaderReport(long Images, IReadOnlyList<double> ImagesPerSecond, double PeakResidentMb, string? Fingerprint)
{
    /// <summary>The median of <see cref="ImagesPerSecond"/>.</summary>
    public double Median => ImagesPerSecond.OrderBy(v => v).ElementAt(ImagesPerSecond.Count / 2);

    /// <summary>
    /// Streams <paramref name="epochs"/> epochs of <paramref name="o"/>'s training split through a shuffling
    /// <see cref="BatchLoader"/> as the trainer does (the same seeds and salts), then flip and normalize on each batch;
    /// with <paramref name="fingerprint"/>, also hashes every batch (which costs time of its own).
    /// </summary>
    public static LoaderReport Measure(TrainingOptions o, int epochs, bool fingerprint = false, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(o);
        using var train = RunData.LoadSplit(o, train: true);
        var normalize = RunData.Normalization(o, train);
        var flip = new RandomHorizontalFlip();
        using var dataRng = new Generator((ulong)((o.Seed * 2) + 1));
        using var flipRng = new Generator((ulong)((o.Seed * 2) + 2));
        var loader = new BatchLoader(train, new BatchLoaderOptions { BatchSize = o.BatchSize }, dataRng);
        var rates = new List<double>();
        ulong hash = 14695981039346656037UL;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var order = loader.NextOrder();
            var clock = Stopwatch.StartNew();
            foreach (var batch in loader.Batches(order, 0, salt: epoch))
            {
                using (batch)
                {
                    using var scope = torch.NewDisposeScope();
                    if (fingerprint)
                    {
                        hash = Fnv(hash, batch.Images);
                    }

                    using var flipped = flip.Apply(batch.Images, flipRng);
                    normalize.Transform(flipped.Inputs);
                }
            }

            rates.Add(train.Count / clock.Elapsed.TotalSeconds);
            progress?.Invoke($"epoch {epoch + 1}: {rates[^1]:F0} images/s, peak resident {CurrentPeakResidentMb():F0} MB");
        }

        return new LoaderReport(train.Count, rates, CurrentPeakResidentMb(), fingerprint ? hash.ToString("x16") : null);
    }

    /// <summary>This process's peak resident memory in MB (VmHWM of /proc/self/status); NaN elsewhere.</summary>
    public static double CurrentPeakResidentMb()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return double.NaN;
        }

        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
    }

    // The batch's row sums (per image, channel summed, per row; [B, H] values) folded into an FNV-1a hash of the
    // batches in order: cheap next to the batch itself, and any moved or changed pixel changes it.
    private static ulong Fnv(ulong hash, Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        var rows = images.sum(new long[] { 1, 3 }).contiguous();
        foreach (byte b in rows.bytes)
        {
            hash = unchecked((hash ^ b) * 1099511628211UL);
        }

        return hash;
    }
}
