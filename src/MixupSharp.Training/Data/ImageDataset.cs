using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Data;

/// <summary>
/// A labelled image dataset: int64 labels [N] and class names in memory, the images wherever they are
/// (<see cref="InMemoryDataset"/>: a uint8 tensor; <see cref="StreamingImageDataset"/>: files decoded per batch). Batches
/// come from <see cref="BatchLoader"/> as floats in [0, 1].
/// </summary>
public abstract class ImageDataset : IDisposable
{
    private protected ImageDataset(string name, Tensor labels, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (labels.dtype != ScalarType.Int64 || labels.shape.Length != 1)
        {
            throw new ArgumentException($"labels must be int64 [N]; got {labels.dtype} [{string.Join(", ", labels.shape)}].", nameof(labels));
        }

        if (classNames.Count < 2)
        {
            throw new ArgumentException($"a dataset needs at least 2 classes; got {classNames.Count}.", nameof(classNames));
        }

        Name = name;
        Labels = labels;
        ClassNames = classNames.ToArray();
    }

    /// <summary>The display name.</summary>
    public string Name { get; }

    /// <summary>Int64 labels [N].</summary>
    public Tensor Labels { get; }

    /// <summary>The class names, indexed by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The number of samples.</summary>
    public long Count => Labels.shape[0];

    /// <summary>The number of classes.</summary>
    public int NumClasses => ClassNames.Count;

    /// <summary>The shape [C, H, W] of every image a batch holds.</summary>
    public abstract long[] ImageShape { get; }

    /// <summary>
    /// The images at <paramref name="indices"/> as uint8 [B, C, H, W]. <paramref name="salt"/> varies the random parts of
    /// reading (a streamed set's random crops) between epochs: the same indices and salt give the same bytes.
    /// </summary>
    public abstract Tensor ReadImages(long[] indices, long salt = 0);

    /// <summary>A dataset of the samples at <paramref name="indices"/>.</summary>
    public abstract ImageDataset Select(Tensor indices, string? name = null);

    /// <summary>The same images with other labels.</summary>
    public abstract ImageDataset WithLabels(Tensor labels, string? name = null);

    /// <summary>How many samples each class has.</summary>
    public long[] ClassCounts()
    {
        using var scope = torch.NewDisposeScope();
        return torch.bincount(Labels, minlength: NumClasses).data<long>().ToArray();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the labels and, in subclasses, the images.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Labels.Dispose();
        }
    }
}
