using System;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Distortion;

/// <summary>How a warp reads between pixels.</summary>
public enum Interpolation
{
    /// <summary>Bilinear interpolation.</summary>
    Bilinear,

    /// <summary>The nearest pixel (exact values, e.g. for label maps).</summary>
    Nearest,
}

/// <summary>What a warp reads outside the image.</summary>
public enum WarpPadding
{
    /// <summary>Zeros.</summary>
    Zeros,

    /// <summary>The nearest border pixel.</summary>
    Border,

    /// <summary>The image mirrored at its border.</summary>
    Reflection,
}

/// <summary>Warps a batch with per-sample forward affine matrices in pixel coordinates (see <see cref="AffineMatrix"/>).</summary>
public static class AffineWarp
{
    /// <summary>
    /// Output pixel p takes the input at M⁻¹·p (inverse mapping), sampled with <c>grid_sample</c>.
    /// </summary>
    /// <remarks>
    /// Pixel-to-normalized conversion: with <c>align_corners = false</c>, pixel x maps to (2x + 1)/W − 1, so pixel centres
    /// sit at integers and the image edges at ±1; the same convention is used by <c>affine_grid</c> and
    /// <c>grid_sample</c>, so a matrix that maps pixel centres to pixel centres (a 90° turn, a whole-pixel shift) moves
    /// pixels exactly. Samples whose matrix is exactly the identity keep their exact bytes.
    /// </remarks>
    /// <param name="images">Floating images [N, C, H, W].</param>
    /// <param name="matrices">Forward matrices [N, 3, 3] (or [1, 3, 3] for all).</param>
    /// <param name="interpolation">Bilinear or nearest.</param>
    /// <param name="padding">What is read outside the image.</param>
    /// <returns>New images like <paramref name="images"/>.</returns>
    public static Tensor Apply(Tensor images, Tensor matrices, Interpolation interpolation = Interpolation.Bilinear, WarpPadding padding = WarpPadding.Zeros)
    {
        Guard.NotNull(images, nameof(images));
        Guard.BatchShape(images.shape, nameof(images), "images [N, C, H, W]", exactDims: 4);
        if (!Guard.IsFloating(images.dtype))
        {
            throw new ArgumentException($"images must be floating to be warped; got {Guard.Describe(images)}.", nameof(images));
        }

        AffineMatrix.Check(matrices, nameof(matrices));
        long n = images.shape[0], h = images.shape[2], w = images.shape[3];
        if (matrices.shape[0] != n && matrices.shape[0] != 1)
        {
            throw new ArgumentException($"matrices must be [{n}, 3, 3] or [1, 3, 3] for images {Guard.Shape(images.shape)}; got {Guard.Shape(matrices.shape)}.", nameof(matrices));
        }

        using var scope = torch.NewDisposeScope();
        var forward = matrices.to_type(ScalarType.Float64).cpu().expand(n, 3, 3);
        var isIdentity = (forward - torch.eye(3, dtype: ScalarType.Float64)).abs().amax(new long[] { 1, 2 }) == 0;
        bool[] identity = isIdentity.data<bool>().ToArray();
        if (Array.TrueForAll(identity, v => v))
        {
            return images.clone().MoveToOuterDisposeScope();
        }

        // theta = N · M⁻¹ · N⁻¹, with N the pixel-to-normalized map of align_corners = false.
        var normalize = torch.tensor(new[] { 2.0 / w, 0, (1.0 / w) - 1, 0, 2.0 / h, (1.0 / h) - 1, 0, 0, 1 }).reshape(1, 3, 3);
        var denormalize = torch.linalg.inv(normalize);
        var theta = torch.matmul(torch.matmul(normalize, AffineMatrix.Invert(forward)), denormalize).narrow(1, 0, 2);
        var computeType = images.dtype is ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var source = images.to_type(computeType);
        var grid = nn.functional.affine_grid(theta.to_type(computeType).to(images.device), new[] { n, images.shape[1], h, w }, align_corners: false);
        var warped = nn.functional.grid_sample(source, grid,
            interpolation == Interpolation.Nearest ? GridSampleMode.Nearest : GridSampleMode.Bilinear,
            padding switch { WarpPadding.Border => GridSamplePaddingMode.Border, WarpPadding.Reflection => GridSamplePaddingMode.Reflection, _ => GridSamplePaddingMode.Zeros },
            align_corners: false).to_type(images.dtype);
        var keep = isIdentity.to(images.device).reshape(n, 1, 1, 1);
        return torch.where(keep, images, warped).MoveToOuterDisposeScope();
    }
}
