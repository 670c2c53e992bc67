using System;
using System.Linq;
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

        CheckValues(boxes, labels);
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
    /// <summary>
    /// The values a box batch must hold: no NaN coordinates; labels ≥ −1; every labelled box with x2 &gt; x1 and y2 &gt; y1
    /// (torchvision's detection models refuse empty boxes, and a label padded with 0 instead of −1 would make one); every
    /// padding slot (label −1) with all four coordinates 0.
    /// </summary>
    private static void CheckValues(Tensor boxes, Tensor labels)
    {
        using var scope = torch.NewDisposeScope();
        var b = boxes.detach().cpu().to_type(ScalarType.Float64);
        var l = labels.cpu();
        if (b.isnan().any().item<bool>())
        {
            throw new ArgumentException("boxes hold NaN coordinates.", nameof(boxes));
        }

        if (l.numel() > 0 && l.min().item<long>() < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(labels), $"labels must be class indices ≥ 0, or −1 for padding; got {l.min().item<long>()}.");
        }

        var valid = l >= 0;
        var empty = valid & ((b[.., .., 2] <= b[.., .., 0]) | (b[.., .., 3] <= b[.., .., 1]));
        if (empty.any().item<bool>())
        {
            var at = empty.nonzero()[0];
            long i = at[0].item<long>(), k = at[1].item<long>();
            var box = b[i, k].data<double>().ToArray();
            throw new ArgumentException($"boxes[{i}, {k}] = [{string.Join(", ", box)}] with label {l[i, k].item<long>()} is empty or inverted; boxes are [x1, y1, x2, y2] with x2 > x1 and y2 > y1, and padding slots have label −1.", nameof(boxes));
        }

        if ((valid.logical_not().unsqueeze(2) & (b != 0)).any().item<bool>())
        {
            throw new ArgumentException("padding slots (label −1) must have all four coordinates 0.", nameof(boxes));
        }
    }

    internal BoxBatch MoveToOuterDisposeScope()
    {
        Boxes.MoveToOuterDisposeScope();
        Labels.MoveToOuterDisposeScope();
        Weights.MoveToOuterDisposeScope();
        return this;
    }
}
