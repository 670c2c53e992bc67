using System;
using MixupSharp.Distortion;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Policies;

/// <summary>
/// The <see cref="PolicyOp"/> operations on a batch, one magnitude per sample, in whole-batch tensor operations on the
/// images' device. The building block of <see cref="RandAugment"/>, <see cref="TrivialAugmentWide"/>,
/// <see cref="AutoAugment"/> and <see cref="AugMix"/>; usable alone.
/// </summary>
/// <remarks>
/// Agreement with torchvision 0.14 (<c>tests/reference/policy_reference.py</c> writes its outputs; the tests compare):
/// on floating images, every operation torchvision accepts floats for agrees to float rounding (shear, translate and
/// rotate with nearest sampling pick the same pixels); Posterize and Equalize, which torchvision runs on uint8 only,
/// act here on the 8-bit levels round(255·x) and give torchvision's uint8 result exactly. Deliberate differences: the
/// Solarize magnitude is on the 0–255 scale of torchvision's tables and is divided by 255 (torchvision 0.14 applies the
/// 0–255 threshold to floating images too, which fails); and values stay floating between operations (torchvision on
/// uint8 truncates after each).
/// </remarks>
public static class ImageOps
{
    /// <summary>Applies <paramref name="op"/> to every sample with its own magnitude.</summary>
    /// <param name="images">Floating images [N, C, H, W] with C = 1 or 3, in [0, 1].</param>
    /// <param name="op">The operation.</param>
    /// <param name="magnitudes">One magnitude per sample, in the operation's own unit (see <see cref="PolicyOp"/>).</param>
    /// <param name="interpolation">How shear, translate and rotate read between pixels (torchvision's policies default to nearest).</param>
    /// <returns>A new tensor like <paramref name="images"/>; the input is not modified.</returns>
    /// <exception cref="ArgumentException">Bad images, a magnitude count that is not N, or a magnitude out of the operation's range.</exception>
    public static Tensor Apply(Tensor images, PolicyOp op, double[] magnitudes, Interpolation interpolation = Interpolation.Nearest)
    {
        CheckImages(images, nameof(images));
        Guard.NotNull(magnitudes, nameof(magnitudes));
        Guard.Enum(op, nameof(op));
        Guard.Enum(interpolation, nameof(interpolation));
        if (magnitudes.Length != images.shape[0])
        {
            throw new ArgumentException($"magnitudes must hold one value per sample ({images.shape[0]}); got {magnitudes.Length}.", nameof(magnitudes));
        }

        foreach (double m in magnitudes)
        {
            CheckMagnitude(op, m, nameof(magnitudes));
        }

        using var scope = torch.NewDisposeScope();
        return Run(images, op, magnitudes, interpolation).MoveToOuterDisposeScope();
    }

    /// <summary>The checks on a batch every policy operation takes: floating [N, C, H, W] with C = 1 or 3.</summary>
    internal static void CheckImages(Tensor images, string name, string? who = null)
    {
        Guard.NotNull(images, name);
        CheckShape(images.shape, name, who);
        if (!Guard.IsFloating(images.dtype))
        {
            throw new ArgumentException($"{name} must be floating images in [0, 1]{(who is null ? "" : $" for {who}")}; got {Guard.Describe(images)}.", name);
        }
    }

    /// <summary>The shape a policy takes, [N, C, H, W] with C = 1 or 3 (for the images, or the shape a draw is sampled for).</summary>
    internal static void CheckShape(long[] shape, string name, string? who = null)
    {
        string what = who is null ? "images [N, C, H, W]" : $"images [N, C, H, W] for {who}";
        Guard.BatchShape(shape, name, what, exactDims: 4);
        if (shape[1] != 1 && shape[1] != 3)
        {
            throw new ArgumentException($"{name} must have 1 or 3 channels (grey or RGB){(who is null ? "" : $" for {who}")}; got {Guard.Shape(shape)}.", name);
        }
    }

    /// <summary>The range of one magnitude: finite, factors 1 + m ≥ 0, Posterize bits 0–8.</summary>
    internal static void CheckMagnitude(PolicyOp op, double m, string name)
    {
        if (!double.IsFinite(m))
        {
            throw new ArgumentException($"the {op} magnitude must be finite; got {m}.", name);
        }

        if (op is PolicyOp.Brightness or PolicyOp.Color or PolicyOp.Contrast or PolicyOp.Sharpness && m < -1)
        {
            throw new ArgumentException($"the {op} magnitude must be ≥ −1 (the factor 1 + m is not negative); got {m}.", name);
        }

        if (op == PolicyOp.Posterize && (m < 0 || m >= 9))
        {
            throw new ArgumentException($"the Posterize magnitude must be 0–8 bits; got {m}.", name);
        }
    }

    /// <summary>
    /// Whether <paramref name="op"/> leaves images of this shape exactly as they are, so its samples can be skipped: a
    /// warp by 0, Color on grey images and Sharpness on images of side ≤ 2 (both returned unchanged by torchvision).
    /// </summary>
    internal static bool IsIdentity(PolicyOp op, double m, long[] shape) => op switch
    {
        PolicyOp.Identity => true,
        PolicyOp.ShearX or PolicyOp.ShearY or PolicyOp.Rotate => m == 0,
        PolicyOp.TranslateX or PolicyOp.TranslateY => Math.Truncate(m) == 0,
        PolicyOp.Color => shape[1] == 1,
        PolicyOp.Sharpness => shape[2] <= 2 || shape[3] <= 2,
        _ => false,
    };

    /// <summary>The dispatch, without checks (the policies check once per draw).</summary>
    internal static Tensor Run(Tensor images, PolicyOp op, double[] magnitudes, Interpolation interpolation) => op switch
    {
        PolicyOp.Identity => images.clone(),
        _ when GeometricOps.IsWarp(op) => GeometricOps.Apply(images, Array.ConvertAll(magnitudes, _ => op), magnitudes, interpolation),
        PolicyOp.Brightness => ColorOps.Brightness(images, Factors(magnitudes)),
        PolicyOp.Color => ColorOps.Saturation(images, Factors(magnitudes)),
        PolicyOp.Contrast => ColorOps.Contrast(images, Factors(magnitudes)),
        PolicyOp.Sharpness => ColorOps.Sharpness(images, Factors(magnitudes)),
        PolicyOp.Posterize => ColorOps.Posterize(images, magnitudes),
        PolicyOp.Solarize => ColorOps.Solarize(images, magnitudes),
        PolicyOp.AutoContrast => ColorOps.AutoContrast(images),
        PolicyOp.Equalize => HistogramEqualization.Equalize(images),
        PolicyOp.Invert => ColorOps.Invert(images),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "unknown operation"),
    };

    private static double[] Factors(double[] magnitudes) => Array.ConvertAll(magnitudes, m => 1.0 + m);
}
