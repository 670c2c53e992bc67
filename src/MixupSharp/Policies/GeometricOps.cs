using System;
using MixupSharp.Distortion;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Policies;

/// <summary>
/// Shear, translate and rotate of <see cref="PolicyOp"/>, one magnitude per sample, warped in one
/// <c>grid_sample</c> call for the batch; what lies outside the image reads 0 (torchvision's <c>fill = None</c>).
/// </summary>
/// <remarks>
/// The sampling grid is built the way torchvision 0.14 builds it (<c>_get_inverse_affine_matrix</c> in double, then the
/// grid in centred pixel coordinates in the image's precision, <c>_gen_affine_grid</c>), not through
/// <see cref="AffineWarp"/>'s closed-form normalized matrix: the two agree mathematically, but nearest sampling at an
/// exact half-pixel tie (a shear of 0.2 reaches one every five rows) picks whichever side rounding gives, and only the
/// same arithmetic picks the same side.
/// </remarks>
internal static class GeometricOps
{
    // CPython's math.radians / math.degrees, so shear = radians(degrees(atan(m))) rounds as torchvision's does.
    private const double DegreesToRadians = Math.PI / 180.0;

    /// <summary>Whether <paramref name="op"/> is one of the warps (they share one <c>grid_sample</c> call per step).</summary>
    public static bool IsWarp(PolicyOp op) => op is PolicyOp.ShearX or PolicyOp.ShearY or PolicyOp.TranslateX or PolicyOp.TranslateY or PolicyOp.Rotate;

    /// <summary>Warps every sample by its own operation and magnitude, all in one <c>grid_sample</c> call.</summary>
    public static Tensor Apply(Tensor images, PolicyOp[] ops, double[] magnitudes, Interpolation interpolation)
    {
        long n = images.shape[0], h = images.shape[2], w = images.shape[3];
        var inverse = new double[n * 6];
        for (long i = 0; i < n; i++)
        {
            double m = magnitudes[i];
            var op = ops[i];
            double[] matrix = op switch
            {
                // Shears are about the top-left corner (torchvision's center = [0, 0]), the others about the centre.
                PolicyOp.ShearX => Inverse(-w * 0.5, -h * 0.5, 0, 0, 0, Math.Atan(m) / DegreesToRadians, 0),
                PolicyOp.ShearY => Inverse(-w * 0.5, -h * 0.5, 0, 0, 0, 0, Math.Atan(m) / DegreesToRadians),
                PolicyOp.TranslateX => Inverse(0, 0, 0, Math.Truncate(m), 0, 0, 0),
                PolicyOp.TranslateY => Inverse(0, 0, 0, 0, Math.Truncate(m), 0, 0),
                PolicyOp.Rotate => Inverse(0, 0, -m, 0, 0, 0, 0),
                _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a geometric operation"),
            };
            Array.Copy(matrix, 0, inverse, i * 6, 6);
        }

        var theta = torch.tensor(inverse, new[] { n, 2L, 3L }, dtype: ScalarType.Float64).to_type(images.dtype).to(images.device);

        // _gen_affine_grid: pixel centres at −W/2 + 0.5 … W/2 − 0.5, then theta, then divided by (W/2, H/2).
        var xs = torch.linspace((-w * 0.5) + 0.5, (w * 0.5) + 0.5 - 1, w, dtype: ScalarType.Float32, device: images.device).to_type(images.dtype);
        var ys = torch.linspace((-h * 0.5) + 0.5, (h * 0.5) + 0.5 - 1, h, dtype: ScalarType.Float32, device: images.device).to_type(images.dtype);
        var basis = torch.stack(new[] { xs.unsqueeze(0).expand(h, w), ys.unsqueeze(1).expand(h, w), torch.ones(h, w, dtype: images.dtype, device: images.device) }, -1);
        var halves = torch.tensor(new[] { 0.5 * w, 0.5 * h }, dtype: images.dtype, device: images.device);
        var rescaled = theta.transpose(1, 2) / halves;
        var grid = basis.reshape(1, h * w, 3).expand(n, h * w, 3).bmm(rescaled).reshape(n, h, w, 2);
        return nn.functional.grid_sample(images, grid,
            interpolation == Interpolation.Nearest ? GridSampleMode.Nearest : GridSampleMode.Bilinear,
            GridSamplePaddingMode.Zeros, align_corners: false);
    }

    /// <summary>
    /// torchvision's <c>_get_inverse_affine_matrix(center, angle, translate, scale = 1, shear)</c>, row-major 2×3, in
    /// pixel coordinates centred on the image (the centre argument too), expression for expression.
    /// </summary>
    private static double[] Inverse(double cx, double cy, double angleDegrees, double tx, double ty, double shearXDegrees, double shearYDegrees)
    {
        double rot = angleDegrees * DegreesToRadians, sx = shearXDegrees * DegreesToRadians, sy = shearYDegrees * DegreesToRadians;
        double a = Math.Cos(rot - sy) / Math.Cos(sy);
        double b = (-Math.Cos(rot - sy) * Math.Tan(sx) / Math.Cos(sy)) - Math.Sin(rot);
        double c = Math.Sin(rot - sy) / Math.Cos(sy);
        double d = (-Math.Sin(rot - sy) * Math.Tan(sx) / Math.Cos(sy)) + Math.Cos(rot);
        var m = new[] { d, -b, 0.0, -c, a, 0.0 };
        m[2] += (m[0] * (-cx - tx)) + (m[1] * (-cy - ty));
        m[5] += (m[3] * (-cx - tx)) + (m[4] * (-cy - ty));
        m[2] += cx;
        m[5] += cy;
        return m;
    }
}
