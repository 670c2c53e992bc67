using System;
using System.Linq;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Distortion;

/// <summary>
/// Builds, composes and inverts 3×3 affine matrices in pixel coordinates (x to the right, y down; pixel centres at
/// integers, so the image centre is ((W − 1)/2, (H − 1)/2)). Matrices are float64 tensors [N, 3, 3], one per sample,
/// mapping input pixel positions to output pixel positions (forward).
/// </summary>
/// <remarks>Usable on their own: <see cref="AffineWarp.Apply"/> warps a batch with any such matrices.</remarks>
public static class AffineMatrix
{
    /// <summary>[n, 3, 3] identity matrices.</summary>
    public static Tensor Identity(long n = 1) => torch.eye(3, dtype: ScalarType.Float64).unsqueeze(0).repeat(n, 1, 1);

    /// <summary>
    /// Rotations by <paramref name="degrees"/> [N] about (<paramref name="centerX"/>, <paramref name="centerY"/>).
    /// Positive angles turn the image counter-clockwise as displayed, so +90° on a square image equals
    /// <c>rot90(x, 1, (2, 3))</c>.
    /// </summary>
    public static Tensor Rotation(Tensor degrees, double centerX, double centerY)
    {
        using var scope = torch.NewDisposeScope();
        var radians = Vector(degrees) * (Math.PI / 180.0);
        var cos = radians.cos();
        var sin = radians.sin();
        var zero = torch.zeros_like(cos);
        var one = torch.ones_like(cos);
        var rotation = Rows(cos, sin, zero, -sin, cos, zero, zero, zero, one);
        return AboutCenter(rotation, centerX, centerY).MoveToOuterDisposeScope();
    }

    /// <summary>One rotation (a [1, 3, 3] matrix); see <see cref="Rotation(Tensor, double, double)"/>.</summary>
    public static Tensor Rotation(double degrees, double centerX, double centerY)
    {
        using var d = torch.tensor(new[] { degrees });
        return Rotation(d, centerX, centerY);
    }

    /// <summary>Translations by (<paramref name="dx"/>, <paramref name="dy"/>) pixels, each [N].</summary>
    public static Tensor Translation(Tensor dx, Tensor dy)
    {
        using var scope = torch.NewDisposeScope();
        var x = Vector(dx);
        var y = Vector(dy);
        var zero = torch.zeros_like(x);
        var one = torch.ones_like(x);
        return Rows(one, zero, x, zero, one, y, zero, zero, one).MoveToOuterDisposeScope();
    }

    /// <summary>One translation (a [1, 3, 3] matrix).</summary>
    public static Tensor Translation(double dx, double dy)
    {
        using var x = torch.tensor(new[] { dx });
        using var y = torch.tensor(new[] { dy });
        return Translation(x, y);
    }

    /// <summary>Scalings by (<paramref name="scaleX"/>, <paramref name="scaleY"/>) [N] about (<paramref name="centerX"/>, <paramref name="centerY"/>).</summary>
    public static Tensor Scale(Tensor scaleX, Tensor scaleY, double centerX, double centerY)
    {
        using var scope = torch.NewDisposeScope();
        var sx = Vector(scaleX);
        var sy = Vector(scaleY);
        var zero = torch.zeros_like(sx);
        var one = torch.ones_like(sx);
        return AboutCenter(Rows(sx, zero, zero, zero, sy, zero, zero, zero, one), centerX, centerY).MoveToOuterDisposeScope();
    }

    /// <summary>One scaling (a [1, 3, 3] matrix).</summary>
    public static Tensor Scale(double scaleX, double scaleY, double centerX, double centerY)
    {
        using var x = torch.tensor(new[] { scaleX });
        using var y = torch.tensor(new[] { scaleY });
        return Scale(x, y, centerX, centerY);
    }

    /// <summary>
    /// Shears by angles [N] in degrees about (<paramref name="centerX"/>, <paramref name="centerY"/>):
    /// x' = x + tan(shearX)·y, y' = y + tan(shearY)·x.
    /// </summary>
    public static Tensor Shear(Tensor shearXDegrees, Tensor shearYDegrees, double centerX, double centerY)
    {
        using var scope = torch.NewDisposeScope();
        var kx = (Vector(shearXDegrees) * (Math.PI / 180.0)).tan();
        var ky = (Vector(shearYDegrees) * (Math.PI / 180.0)).tan();
        var zero = torch.zeros_like(kx);
        var one = torch.ones_like(kx);
        return AboutCenter(Rows(one, kx, zero, ky, one, zero, zero, zero, one), centerX, centerY).MoveToOuterDisposeScope();
    }

    /// <summary>One shear (a [1, 3, 3] matrix).</summary>
    public static Tensor Shear(double shearXDegrees, double shearYDegrees, double centerX, double centerY)
    {
        using var x = torch.tensor(new[] { shearXDegrees });
        using var y = torch.tensor(new[] { shearYDegrees });
        return Shear(x, y, centerX, centerY);
    }

    /// <summary>
    /// The product <c>m[0]·m[1]·…·m[k−1]</c>: the transform that applies the last matrix first. [1, 3, 3] matrices
    /// broadcast against [N, 3, 3] ones.
    /// </summary>
    public static Tensor Compose(params Tensor[] matrices)
    {
        if (matrices is null || matrices.Length == 0)
        {
            throw new ArgumentException("Compose needs at least one matrix.", nameof(matrices));
        }

        foreach (var m in matrices)
        {
            Check(m, nameof(matrices));
        }

        using var scope = torch.NewDisposeScope();
        var result = matrices[0].to_type(ScalarType.Float64);
        foreach (var m in matrices.Skip(1))
        {
            result = torch.matmul(result, m.to_type(ScalarType.Float64));
        }

        return result.clone().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The inverse of each affine matrix, in closed form on its 2×3 part, with the last row set to exactly (0, 0, 1), so
    /// an inverse is as affine as the matrix it came from and <see cref="AffineWarp"/> takes it.
    /// </summary>
    /// <exception cref="ArgumentException">A matrix is singular (e.g. a zero scale) or not affine (its last row is not (0, 0, 1)).</exception>
    public static Tensor Invert(Tensor matrices)
    {
        Check(matrices, nameof(matrices));
        CheckAffine(matrices, nameof(matrices));
        using var scope = torch.NewDisposeScope();
        var m = matrices.to_type(ScalarType.Float64);
        var a = m[.., 0, 0];
        var b = m[.., 0, 1];
        var c = m[.., 0, 2];
        var d = m[.., 1, 0];
        var e = m[.., 1, 1];
        var f = m[.., 1, 2];
        var det = (a * e) - (b * d);
        if ((det.abs() < 1e-12).any().item<bool>())
        {
            throw new ArgumentException("matrices holds a singular matrix (zero scale?); it cannot be inverted.", nameof(matrices));
        }

        // [[a, b, c], [d, e, f]]⁻¹ = [[e, −b, b·f − c·e], [−d, a, c·d − a·f]] / det.
        var zero = torch.zeros_like(a);
        var one = torch.ones_like(a);
        return Rows(e / det, -b / det, ((b * f) - (c * e)) / det, -d / det, a / det, ((c * d) - (a * f)) / det, zero, zero, one).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The largest deviation of a matrix's last row from (0, 0, 1) that still counts as affine: products and inverses
    /// computed in floating point leave rounding there (1e-17 after a float64 inverse).
    /// </summary>
    /// <param name="dtype">The matrices' dtype: 1e-9 for float64, 1e-6 for float32 and narrower.</param>
    public static double LastRowTolerance(ScalarType dtype) => dtype == ScalarType.Float64 ? 1e-9 : 1e-6;

    /// <summary>Throws unless every matrix's last row is (0, 0, 1) within <see cref="LastRowTolerance"/>.</summary>
    internal static void CheckAffine(Tensor matrices, string name)
    {
        double tolerance = LastRowTolerance(matrices.dtype);
        using var scope = torch.NewDisposeScope();
        double[] last = matrices.select(1, 2).to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        for (int i = 0; i < last.Length / 3; i++)
        {
            if (Math.Abs(last[3 * i]) > tolerance || Math.Abs(last[(3 * i) + 1]) > tolerance || Math.Abs(last[(3 * i) + 2] - 1) > tolerance)
            {
                throw new ArgumentException($"{name}[{i}] is not affine: its last row is ({last[3 * i]}, {last[(3 * i) + 1]}, {last[(3 * i) + 2]}), expected (0, 0, 1) within {tolerance}.", name);
            }
        }
    }

    internal static void Check(Tensor m, string name)
    {
        Guard.NotNull(m, name);
        if (m.shape.Length != 3 || m.shape[1] != 3 || m.shape[2] != 3 || !Guard.IsFloating(m.dtype))
        {
            throw new ArgumentException($"{name} must be floating matrices [N, 3, 3]; got {Guard.Describe(m)}.", name);
        }
    }

    private static Tensor Vector(Tensor t)
    {
        if (t.shape.Length > 1)
        {
            throw new ArgumentException($"matrix parameters must be scalars or vectors [N]; got {Guard.Shape(t.shape)}.");
        }

        return t.to_type(ScalarType.Float64).cpu().reshape(-1);
    }

    private static Tensor Rows(params Tensor[] entries) => torch.stack(entries, 1).reshape(-1, 3, 3);

    private static Tensor AboutCenter(Tensor m, double cx, double cy)
    {
        long n = m.shape[0];
        using var toCenter = Translation(torch.full(n, cx, dtype: ScalarType.Float64), torch.full(n, cy, dtype: ScalarType.Float64));
        using var fromCenter = Translation(torch.full(n, -cx, dtype: ScalarType.Float64), torch.full(n, -cy, dtype: ScalarType.Float64));
        return torch.matmul(torch.matmul(toCenter, m), fromCenter);
    }
}
