using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Data;

/// <summary>A dataset whose labels were corrupted, with the record of which ones.</summary>
public sealed class NoisyDataset : IDisposable
{
    internal NoisyDataset(ImageDataset dataset, Tensor cleanLabels, Tensor flipped)
    {
        Dataset = dataset;
        CleanLabels = cleanLabels;
        Flipped = flipped;
    }

    /// <summary>The dataset with noisy labels (shares the images of the original).</summary>
    public ImageDataset Dataset { get; }

    /// <summary>Int64 [N]: the labels before corruption.</summary>
    public Tensor CleanLabels { get; }

    /// <summary>Int64 [K]: the indices whose label was replaced.</summary>
    public Tensor Flipped { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Dataset.Dispose();
        CleanLabels.Dispose();
        Flipped.Dispose();
    }
}

/// <summary>Training subsets and label noise for the experiments; seeded by an injected generator.</summary>
public static class DatasetTransforms
{
    /// <summary>
    /// A subset of <paramref name="total"/> samples stratified by class: each class contributes in proportion to its share
    /// (largest-remainder rounding), chosen uniformly within the class. Indices are kept in ascending order.
    /// </summary>
    public static ImageDataset StratifiedSubset(ImageDataset data, long total, Generator? generator = null)
    {
        // Every class keeps at least one image in the subset.
        using var indices = StratifiedIndices(data, total, generator, count => Math.Min(1, count), count => count);
        return data.Select(indices, $"{data.Name}[{total}]");
    }

    /// <summary>
    /// Splits <paramref name="data"/> into a stratified held-out set of <paramref name="heldOut"/> samples (each class in
    /// proportion, as <see cref="StratifiedSubset"/> draws it) and the rest, in their original order.
    /// </summary>
    /// <returns>The held-out set and the rest; the caller owns both.</returns>
    public static (ImageDataset HeldOut, ImageDataset Remaining) StratifiedSplit(ImageDataset data, long heldOut, Generator? generator = null)
    {
        // Every class keeps at least one training image, and gives one to the held-out set where it has two or more.
        using var held = StratifiedIndices(data, heldOut, generator, count => Math.Min(1, Math.Max(0, count - 1)), count => Math.Max(0, count - 1));
        Tensor rest;
        using (var scope = torch.NewDisposeScope())
        {
            var keep = torch.ones(data.Count, dtype: ScalarType.Bool);
            keep.index_put_(torch.tensor(false), held);
            rest = keep.nonzero().reshape(-1).MoveToOuterDisposeScope();
        }

        // Selected outside the scope: the datasets' tensors belong to the caller.
        using (rest)
        {
            return (data.Select(held, $"{data.Name}[validation {heldOut}]"), data.Select(rest, $"{data.Name}[−{heldOut}]"));
        }
    }

    /// <summary>
    /// Largest-remainder rounding of each class's share of <paramref name="total"/>, kept within per-class bounds (a
    /// class of n images takes between <paramref name="least"/>(n) and <paramref name="most"/>(n)). Where the bounds do
    /// not bite, this is plain largest-remainder rounding, so balanced data gives the draws it always gave.
    /// </summary>
    private static Tensor StratifiedIndices(ImageDataset data, long total, Generator? generator, Func<long, long> least, Func<long, long> most)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (total < data.NumClasses || total > data.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(total), total, $"a stratified subset needs between {data.NumClasses} (one per class) and {data.Count} samples; got {total}.");
        }

        long[] counts = data.ClassCounts();
        double[] exact = counts.Select(c => (double)c * total / data.Count).ToArray();
        long[] lo = counts.Select(least).ToArray(), hi = counts.Select(most).ToArray();
        if (lo.Sum() > total || hi.Sum() < total)
        {
            int tight = lo.Sum() > total ? Array.FindIndex(lo, l => l > 0) : Array.FindIndex(hi, h => h == 0);
            throw new ArgumentOutOfRangeException(nameof(total), total, $"{total} of {data.Count} images cannot be drawn by class so that every class keeps one image where it belongs (class '{data.ClassNames[Math.Max(0, tight)]}' has {counts[Math.Max(0, tight)]}).");
        }

        long[] take = exact.Select((e, c) => Math.Clamp((long)Math.Floor(e), lo[c], hi[c])).ToArray();
        for (long missing = total - take.Sum(); missing > 0; missing--)
        {
            int c = Enumerable.Range(0, counts.Length).Where(k => take[k] < hi[k]).OrderByDescending(k => exact[k] - take[k]).ThenBy(k => k).First();
            take[c]++;
        }

        for (long surplus = take.Sum() - total; surplus > 0; surplus--)
        {
            int c = Enumerable.Range(0, counts.Length).Where(k => take[k] > lo[k]).OrderBy(k => exact[k] - take[k]).ThenBy(k => k).First();
            take[c]--;
        }

        using var scope = torch.NewDisposeScope();
        return PickPerClass(data, take, generator).MoveToOuterDisposeScope();
    }

    private static Tensor PickPerClass(ImageDataset data, long[] take, Generator? generator)
    {
        var chosen = new System.Collections.Generic.List<Tensor>();
        for (int c = 0; c < take.Length; c++)
        {
            if (take[c] == 0)
            {
                continue;
            }

            var members = (data.Labels == c).nonzero().reshape(-1);
            var pick = torch.randperm(members.shape[0], dtype: ScalarType.Int64, generator: generator).narrow(0, 0, take[c]);
            chosen.Add(members.index_select(0, pick));
        }

        return torch.cat(chosen.ToArray(), 0).sort().Values;
    }

    /// <summary>
    /// Symmetric label noise: each label independently, with probability <paramref name="rate"/>, is replaced by a class
    /// drawn uniformly among the other classes. The flipped indices are recorded.
    /// </summary>
    public static NoisyDataset WithSymmetricNoise(ImageDataset data, double rate, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (double.IsNaN(rate) || rate < 0 || rate > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"the label-noise rate must be in [0, 1]; got {rate}.");
        }

        Tensor noisy, flipped, clean;
        using (var scope = torch.NewDisposeScope())
        {
            long n = data.Count;
            var flip = torch.rand(n, dtype: ScalarType.Float64, generator: generator) < rate;
            var shift = torch.randint(1, data.NumClasses, new[] { n }, dtype: ScalarType.Int64, generator: generator);
            noisy = torch.where(flip, torch.remainder(data.Labels + shift, data.NumClasses), data.Labels).MoveToOuterDisposeScope();
            flipped = flip.nonzero().reshape(-1).MoveToOuterDisposeScope();
            clean = data.Labels.clone().MoveToOuterDisposeScope();
        }

        return new NoisyDataset(data.WithLabels(noisy, $"{data.Name}+noise{rate:0.##}"), clean, flipped);
    }
}
