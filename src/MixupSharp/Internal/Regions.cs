using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Internal;

/// <summary>Whole-batch rectangle masks: no per-pixel loops, one broadcast comparison per call.</summary>
internal static class Regions
{
    /// <summary>
    /// Which pixels lie inside any of the rectangles: <paramref name="boxes"/> is int64 [N, K, 4] (top, left, bottom,
    /// right; exclusive); the result is bool [N, 1, H, W] on the boxes' device.
    /// </summary>
    public static Tensor Inside(Tensor boxes, long height, long width)
    {
        using var scope = torch.NewDisposeScope();
        var device = boxes.device;
        long n = boxes.shape[0], k = boxes.shape[1];
        var top = boxes.select(2, 0).reshape(n, k, 1, 1);
        var left = boxes.select(2, 1).reshape(n, k, 1, 1);
        var bottom = boxes.select(2, 2).reshape(n, k, 1, 1);
        var right = boxes.select(2, 3).reshape(n, k, 1, 1);
        var rows = torch.arange(height, dtype: ScalarType.Int64, device: device).reshape(1, 1, height, 1);
        var cols = torch.arange(width, dtype: ScalarType.Int64, device: device).reshape(1, 1, 1, width);
        var inside = (rows >= top) & (rows < bottom) & (cols >= left) & (cols < right);
        return inside.any(1, keepdim: true).MoveToOuterDisposeScope();
    }

    /// <summary>Uniform integers in [0, <paramref name="upperExclusive"/>) elementwise (upper bounds ≥ 1), from uniform draws in [0, 1).</summary>
    public static Tensor UniformIntegers(Tensor uniform, Tensor upperExclusive) =>
        torch.minimum((uniform * upperExclusive.to_type(ScalarType.Float64)).floor().to_type(ScalarType.Int64), upperExclusive - 1);
}
