using System;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Policies;

/// <summary>
/// The pixel-value operations of <see cref="PolicyOp"/> on a batch [n, C, H, W] in [0, 1], one value per sample,
/// written as torchvision 0.14's <c>functional_tensor</c> does them on floating images (same formulas, same order of
/// operations in float32), so results agree to rounding.
/// </summary>
internal static class ColorOps
{
    /// <summary>torchvision's <c>_blend</c>: r·a + (1 − r)·b, clamped to [0, 1]; both factors come from doubles, as there.</summary>
    public static Tensor Blend(Tensor a, Tensor b, double[] ratios)
    {
        var r = PerSample(ratios, a);
        var rest = PerSample(Array.ConvertAll(ratios, v => 1.0 - v), a);
        return ((r * a) + (rest * b)).clamp(0.0, 1.0);
    }

    public static Tensor Brightness(Tensor images, double[] factors) => (PerSample(factors, images) * images).clamp(0.0, 1.0);

    public static Tensor Saturation(Tensor images, double[] factors) =>
        images.shape[1] == 1 ? images.clone() : Blend(images, Grey(images), factors);

    public static Tensor Contrast(Tensor images, double[] factors)
    {
        var grey = images.shape[1] == 3 ? Grey(images) : images;
        return Blend(images, grey.mean(new long[] { 1, 2, 3 }, keepdim: true), factors);
    }

    public static Tensor Sharpness(Tensor images, double[] factors) =>
        images.shape[2] <= 2 || images.shape[3] <= 2 ? images.clone() : Blend(images, Degenerate(images), factors);

    /// <summary>
    /// torchvision's degenerate image of Sharpness: the interior smoothed by [1 1 1; 1 5 1; 1 1 1]/13, the one-pixel
    /// border kept. The 3×3 sum is separable (three row-shifted views, then three column-shifted ones): on CPU a few
    /// additions of views cost a third of a grouped convolution; the value is the same to float rounding.
    /// </summary>
    private static Tensor Degenerate(Tensor images)
    {
        long h = images.shape[2], w = images.shape[3];
        var rows = images.narrow(3, 0, w - 2) + images.narrow(3, 1, w - 2) + images.narrow(3, 2, w - 2);
        var sum = rows.narrow(2, 0, h - 2) + rows.narrow(2, 1, h - 2) + rows.narrow(2, 2, h - 2);
        var smoothed = (sum + (images.narrow(2, 1, h - 2).narrow(3, 1, w - 2) * 4.0)) / 13.0;
        var degenerate = images.clone();
        degenerate.narrow(2, 1, h - 2).narrow(3, 1, w - 2).copy_(smoothed);
        return degenerate;
    }

    public static Tensor Posterize(Tensor images, double[] magnitudes)
    {
        // The mask keeps the top int(m) bits of the 8-bit level, as −2^(8 − bits) does in torchvision.
        var masks = Array.ConvertAll(magnitudes, m => (long)-(1L << (8 - (int)m)));
        var mask = torch.tensor(masks, dtype: ScalarType.Int64, device: images.device).reshape(-1, 1, 1, 1);
        return Levels(images).bitwise_and(mask).to_type(images.dtype) / 255.0;
    }

    public static Tensor Solarize(Tensor images, double[] magnitudes)
    {
        // |s − x| with s = 1 where x ≥ threshold, else 0: 1 − x or x exactly, as torchvision's where(x ≥ t, 1 − x, x),
        // without where, which is slow on small CPU tensors.
        var thresholds = PerSample(Array.ConvertAll(magnitudes, m => m / 255.0), images);
        return ((images >= thresholds).to_type(images.dtype) - images).abs();
    }

    public static Tensor AutoContrast(Tensor images)
    {
        var minimum = images.amin(new long[] { 2, 3 }, keepdim: true);
        var maximum = images.amax(new long[] { 2, 3 }, keepdim: true);
        var scale = 1.0 / (maximum - minimum);
        var flat = scale.isfinite().logical_not();
        minimum = torch.where(flat, torch.zeros_like(minimum), minimum);
        scale = torch.where(flat, torch.ones_like(scale), scale);
        return ((images - minimum) * scale).clamp(0.0, 1.0);
    }

    public static Tensor Invert(Tensor images) => 1.0 - images;

    /// <summary>The 8-bit levels of [0, 1] values: round(255·x), as a uint8 image converted to float would hold them.</summary>
    public static Tensor Levels(Tensor images) => (images.clamp(0.0, 1.0) * 255.0).round().to_type(ScalarType.Int64);

    /// <summary>The ITU-R 601 greyscale torchvision uses: 0.2989 R + 0.587 G + 0.114 B, [n, 1, H, W].</summary>
    private static Tensor Grey(Tensor images)
    {
        var rgb = images.unbind(1);
        return ((0.2989 * rgb[0]) + (0.587 * rgb[1]) + (0.114 * rgb[2])).unsqueeze(1);
    }

    private static Tensor PerSample(double[] values, Tensor like) =>
        torch.tensor(values, dtype: like.dtype, device: like.device).reshape(-1, 1, 1, 1);
}
