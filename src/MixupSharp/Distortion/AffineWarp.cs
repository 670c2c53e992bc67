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

        AffineMatrix.CheckAffine(matrices, nameof(matrices));
        using var scope = torch.NewDisposeScope();

        // theta = N · M⁻¹ · N⁻¹ per sample, with N the pixel-to-normalized map of align_corners = false, computed in
        // closed form on the CPU (3×3 per sample) rather than as many tiny tensor operations.
        double[] m = matrices.to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        bool shared = matrices.shape[0] == 1;
        var theta = new double[n * 6];
        var identity = new bool[n];
        for (long i = 0; i < n; i++)
        {
            long o = shared ? 0 : i * 9;
            // The last row was checked to be (0, 0, 1) within rounding; only the 2×3 part is used.
            identity[i] = m[o] == 1 && m[o + 1] == 0 && m[o + 2] == 0 && m[o + 3] == 0 && m[o + 4] == 1 && m[o + 5] == 0;

            // Inverse of the affine map [[a, b, c], [d, e, f]].
            double a = m[o], b = m[o + 1], c = m[o + 2], d = m[o + 3], e = m[o + 4], f = m[o + 5];
            double det = (a * e) - (b * d);
            if (Math.Abs(det) < 1e-12)
            {
                throw new ArgumentException($"matrices[{i}] is singular (zero scale?); it cannot be inverted.", nameof(matrices));
            }

            double ia = e / det, ib = -b / det, id = -d / det, ie = a / det;
            double ic = -((ia * c) + (ib * f)), jf = -((id * c) + (ie * f));

            // N: x_n = (2x + 1)/W − 1, so N⁻¹(x_n, y_n) = (W/2·x_n + px, H/2·y_n + py) with px = (W − 1)/2.
            // theta = N·M⁻¹·N⁻¹: x_n' = a'·x_n + b'·(H/W)·y_n + (2/W)·u_x + 1/W − 1, and likewise for y_n'.
            double sx = 2.0 / w, sy = 2.0 / h, ox = (1.0 / w) - 1, oy = (1.0 / h) - 1;
            double px = (w - 1) / 2.0, py = (h - 1) / 2.0;
            double ux = (ia * px) + (ib * py) + ic, uy = (id * px) + (ie * py) + jf;
            theta[i * 6] = ia;
            theta[(i * 6) + 1] = ib * (h / (double)w);
            theta[(i * 6) + 2] = (sx * ux) + ox;
            theta[(i * 6) + 3] = id * (w / (double)h);
            theta[(i * 6) + 4] = ie;
            theta[(i * 6) + 5] = (sy * uy) + oy;
        }

        if (Array.TrueForAll(identity, v => v))
        {
            return images.clone().MoveToOuterDisposeScope();
        }

        var thetaTensor = torch.tensor(theta, new[] { n, 2L, 3L }, dtype: ScalarType.Float64);
        var isIdentity = torch.tensor(identity, dtype: ScalarType.Bool);
        var computeType = images.dtype is ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var source = images.to_type(computeType);
        var grid = nn.functional.affine_grid(thetaTensor.to_type(computeType).to(images.device), new[] { n, images.shape[1], h, w }, align_corners: false);
        var warped = nn.functional.grid_sample(source, grid,
            interpolation == Interpolation.Nearest ? GridSampleMode.Nearest : GridSampleMode.Bilinear,
            padding switch { WarpPadding.Border => GridSamplePaddingMode.Border, WarpPadding.Reflection => GridSamplePaddingMode.Reflection, _ => GridSamplePaddingMode.Zeros },
            align_corners: false).to_type(images.dtype);
        var keep = isIdentity.to(images.device).reshape(n, 1, 1, 1);
        return torch.where(keep, images, warped).MoveToOuterDisposeScope();
    }
}
