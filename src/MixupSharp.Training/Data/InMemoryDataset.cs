using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Data;

/// <summary>
/// A labelled image dataset held in memory: uint8 images [N, C, H, W], int64 labels [N] and class names. Owns its
/// tensors. Batches are produced by <see cref="BatchLoader"/> as floats in [0, 1].
/// </summary>
public sealed class InMemoryDataset : ImageDataset
{
    /// <summary>Creates a dataset; this object owns the tensors.</summary>
    /// <param name="name">A display name, e.g. "fashion-mnist/train".</param>
    /// <param name="images">Uint8 images [N, C, H, W].</param>
    /// <param name="labels">Int64 labels [N] in [0, classNames.Count).</param>
    /// <param name="classNames">The class names, indexed by label.</param>
    public InMemoryDataset(string name, Tensor images, Tensor labels, IReadOnlyList<string> classNames)
        : base(name, labels, classNames)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (images.dtype != ScalarType.Byte || images.shape.Length != 4)
        {
            throw new ArgumentException($"images must be uint8 [N, C, H, W]; got {images.dtype} [{string.Join(", ", images.shape)}].", nameof(images));
        }

        if (labels.dtype != ScalarType.Int64 || labels.shape.Length != 1 || labels.shape[0] != images.shape[0])
        {
            throw new ArgumentException($"labels must be int64 [{images.shape[0]}]; got {labels.dtype} [{string.Join(", ", labels.shape)}].", nameof(labels));
        }

        Images = images;
    }

    /// <summary>Uint8 images [N, C, H, W].</summary>
    public Tensor Images { get; }

    /// <inheritdoc />
    public override long[] ImageShape => Images.shape.Skip(1).ToArray();

    /// <inheritdoc />
    public override Tensor ReadImages(long[] indices, long salt = 0)
    {
        using var index = torch.tensor(indices, dtype: ScalarType.Int64);
        return Images.index_select(0, index);
    }

    /// <summary>A new dataset holding the samples at <paramref name="indices"/> (copies).</summary>
    public override InMemoryDataset Select(Tensor indices, string? name = null)
    {
        using var scope = torch.NewDisposeScope();
        var index = indices.to_type(ScalarType.Int64);
        var images = Images.index_select(0, index).MoveToOuterDisposeScope();
        var labels = Labels.index_select(0, index).MoveToOuterDisposeScope();
        return new InMemoryDataset(name ?? Name, images, labels, ClassNames);
    }

    /// <summary>A new dataset with the same images and the given labels (copies the images' handle, not their data).</summary>
    public override InMemoryDataset WithLabels(Tensor labels, string? name = null) => new(name ?? Name, Images.alias(), labels, ClassNames);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Images.Dispose();
        }

        base.Dispose(disposing);
    }
}
