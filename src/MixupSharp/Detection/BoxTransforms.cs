using System;
using MixupSharp.Distortion;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Detection;

/// <summary>Geometric transforms of box batches, matching what the image ops do to the pixels.</summary>
public static class BoxTransforms
{
    /// <summary>
    /// The boxes of images warped by <see cref="AffineWarp"/> with <paramref name="matrices"/> (e.g. a
    /// <see cref="RandomAffine"/> draw's, or MaskDistortMix's distortion): each box becomes the enclosing box of its four
    /// transformed corners, clipped to the W × H image; a box with nothing left becomes padding (label −1). The warp's
    /// matrices act on pixel centres (pixel i at coordinate i) while boxes use pixel edges (pixel i spans i to i + 1), so
    /// corners are shifted by half a pixel into the warp's frame and back.
    /// </summary>
    /// <param name="boxes">The boxes of the batch.</param>
    /// <param name="matrices">[N, 3, 3] forward matrices (or [1, 3, 3] for all).</param>
    /// <param name="height">H of the images.</param>
    /// <param name="width">W of the images.</param>
    public static BoxBatch Affine(BoxBatch boxes, Tensor matrices, long height, long width)
    {
        Guard.NotNull(boxes, nameof(boxes));
        AffineMatrix.Check(matrices, nameof(matrices));
        AffineMatrix.CheckAffine(matrices, nameof(matrices));
        long n = boxes.Count, k = boxes.Slots;
        if (matrices.shape[0] != n && matrices.shape[0] != 1)
        {
            throw new ArgumentException($"matrices must be [{n}, 3, 3] or [1, 3, 3] for {n} images of boxes; got {Guard.Shape(matrices.shape)}.", nameof(matrices));
        }

        using var scope = torch.NewDisposeScope();
        var b = boxes.Boxes.to_type(ScalarType.Float64);
        var m = matrices.to(b.device).to_type(ScalarType.Float64).expand(n, 3, 3);
        var x1 = b[.., .., 0] - 0.5;
        var y1 = b[.., .., 1] - 0.5;
        var x2 = b[.., .., 2] - 0.5;
        var y2 = b[.., .., 3] - 0.5;
        var xs = torch.stack(new[] { x1, x2, x1, x2 }, 2);   // [N, K, 4 corners]
        var ys = torch.stack(new[] { y1, y1, y2, y2 }, 2);
        Tensor Row(int r) => (m[.., r, 0].reshape(n, 1, 1) * xs) + (m[.., r, 1].reshape(n, 1, 1) * ys) + m[.., r, 2].reshape(n, 1, 1);
        var tx = Row(0) + 0.5;
        var ty = Row(1) + 0.5;
        var nx1 = tx.amin(new long[] { 2 }).clamp(0, width);
        var ny1 = ty.amin(new long[] { 2 }).clamp(0, height);
        var nx2 = tx.amax(new long[] { 2 }).clamp(0, width);
        var ny2 = ty.amax(new long[] { 2 }).clamp(0, height);
        var keep = (boxes.Labels >= 0) & (nx2 > nx1) & (ny2 > ny1);
        var moved = torch.stack(new[] { nx1, ny1, nx2, ny2 }, 2).to_type(boxes.Boxes.dtype);
        var result = new BoxBatch(
            torch.where(keep.unsqueeze(2), moved, torch.zeros_like(moved)),
            torch.where(keep, boxes.Labels, torch.full_like(boxes.Labels, -1)),
            torch.where(keep, boxes.Weights, torch.zeros_like(boxes.Weights)));
        return result.MoveToOuterDisposeScope();
    }
}
