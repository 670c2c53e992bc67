using System;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Detection;

/// <summary>
/// Detection targets for a batch: up to K boxes per image, padded. Boxes are [x1, y1, x2, y2] in pixel-edge coordinates
/// (pixel 0 spans 0 to 1, so a box covering the whole W × H image is [0, 0, W, H]); a label of −1 marks a padding row.
/// Weights (1 for a plain box) carry how much a box counts after mixing (detection Mixup gives λ or 1 − λ).
/// </summary>
public sealed class BoxBatch : IDisposable
{
    /// <summary>Creates a batch that owns the given tensors; shapes and dtypes are checked.</summary>
    /// <param name="boxes">[N, K, 4] floating boxes.</param>
    /// <param name="labels">[N, K] int64 class indices, −1 for padding.</param>
    /// <param name="weights">[N, K] floating weights; null: 1 for every real box and 0 for padding.</param>
    public BoxBatch(Tensor boxes, Tensor labels, Tensor? weights = null)
    {
        Guard.NotNull(boxes, nameof(boxes));
        Guard.NotNull(labels, nameof(labels));
        if (boxes.shape.Length != 3 || boxes.shape[2] != 4 || !Guard.IsFloating(boxes.dtype))
        {
            throw new ArgumentException($"boxes must be floating [N, K, 4] as [x1, y1, x2, y2]; got {Guard.Describe(boxes)}.", nameof(boxes));
        }

        if (labels.dtype != ScalarType.Int64 || labels.shape.Length != 2 || labels.shape[0] != boxes.shape[0] || labels.shape[1] != boxes.shape[1])
        {
            throw new ArgumentException($"labels must be int64 [{boxes.shape[0]}, {boxes.shape[1]}] (−1 for padding) to match boxes {Guard.Shape(boxes.shape)}; got {Guard.Describe(labels)}.", nameof(labels));
        }

        if (weights is not null && (weights.shape.Length != 2 || weights.shape[0] != boxes.shape[0] || weights.shape[1] != boxes.shape[1] || !Guard.IsFloating(weights.dtype)))
        {
            throw new ArgumentException($"weights must be floating [{boxes.shape[0]}, {boxes.shape[1]}] to match boxes; got {Guard.Describe(weights)}.", nameof(weights));
        }

        Boxes = boxes;
        Labels = labels;
        if (weights is null)
        {
            using var scope = torch.NewDisposeScope();
            weights = (labels >= 0).to_type(boxes.dtype).MoveToOuterDisposeScope();
        }

        Weights = weights;
    }

    /// <summary>[N, K, 4] boxes [x1, y1, x2, y2], pixel-edge coordinates.</summary>
    public Tensor Boxes { get; }

    /// <summary>[N, K] int64 labels; −1 marks padding.</summary>
    public Tensor Labels { get; }

    /// <summary>[N, K] weights (0 for padding).</summary>
    public Tensor Weights { get; }

    /// <summary>N, the number of images.</summary>
    public long Count => Boxes.shape[0];

    /// <summary>K, the box slots per image.</summary>
    public long Slots => Boxes.shape[1];

    /// <summary>[N, K] bool: the real (non-padding) boxes.</summary>
    public Tensor Valid() => Labels >= 0;

    /// <inheritdoc />
    public void Dispose()
    {
        Boxes.Dispose();
        Labels.Dispose();
        Weights.Dispose();
    }

    /// <summary>Moves the tensors to the enclosing dispose scope; returns this object.</summary>
    internal BoxBatch MoveToOuterDisposeScope()
    {
        Boxes.MoveToOuterDisposeScope();
        Labels.MoveToOuterDisposeScope();
        Weights.MoveToOuterDisposeScope();
        return this;
    }
}
