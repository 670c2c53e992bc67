using System;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Distortion;

/// <summary>Options of <see cref="RandomAffine"/>. Immutable; validated at construction. Ranges are inclusive of Min.</summary>
public sealed record RandomAffineOptions
{
    /// <summary>The rotation in degrees, uniform in [Min, Max); positive is counter-clockwise as displayed. Default (−15, 15).</summary>
    public (double Min, double Max) Degrees { get; init; } = (-15, 15);

    /// <summary>The largest shift as fractions of width and height; shifts are uniform in [−fx·W, fx·W) and [−fy·H, fy·H). Default (0.1, 0.1).</summary>
    public (double X, double Y) Translate { get; init; } = (0.1, 0.1);

    /// <summary>The scale, uniform in [Min, Max). Default (0.9, 1.1).</summary>
    public (double Min, double Max) Scale { get; init; } = (0.9, 1.1);

    /// <summary>The shear along x in degrees, uniform in [Min, Max). Default (0, 0).</summary>
    public (double Min, double Max) ShearX { get; init; } = (0, 0);

    /// <summary>The shear along y in degrees, uniform in [Min, Max). Default (0, 0).</summary>
    public (double Min, double Max) ShearY { get; init; } = (0, 0);

    /// <summary>How the warp reads between pixels. Default bilinear.</summary>
    public Interpolation Interpolation { get; init; } = Interpolation.Bilinear;

    /// <summary>What the warp reads outside the image. Default zeros.</summary>
    public WarpPadding Padding { get; init; } = WarpPadding.Zeros;

    /// <summary>The probability that a sample is distorted. Default 1.0.</summary>
    public double Probability { get; init; } = 1.0;
}

/// <summary>
/// A random affine distortion per sample: M = T(c + t)·R(θ)·Sh(sx, sy)·S(s)·T(−c) about the image centre c, with
/// θ, t, sx, sy and s drawn from the options; the batch is warped with <see cref="AffineWarp.Apply"/>.
/// </summary>
/// <remarks>Data convention: floating images [N, C, H, W] in [0, 1] before normalization.</remarks>
public sealed class RandomAffine : InputAugmentation<AffineParameters>
{
    /// <summary>Creates a random affine distortion.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public RandomAffine(RandomAffineOptions? options = null)
    {
        Options = options ?? new RandomAffineOptions();
        Range(Options.Degrees, "Degrees", double.NegativeInfinity);
        Range(Options.Scale, "Scale", 0, exclusiveLow: true);
        Range(Options.ShearX, "ShearX", -89.9, high: 89.9);
        Range(Options.ShearY, "ShearY", -89.9, high: 89.9);
        if (!(Options.Translate.X >= 0 && Options.Translate.X <= 1 && Options.Translate.Y >= 0 && Options.Translate.Y <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"RandomAffineOptions.Translate must be fractions in [0, 1]; got ({Options.Translate.X}, {Options.Translate.Y}).");
        }

        Guard.Enum(Options.Interpolation, "RandomAffineOptions.Interpolation");
        Guard.Enum(Options.Padding, "RandomAffineOptions.Padding");
        Guard.Probability(Options.Probability, "RandomAffineOptions.Probability");
    }

    /// <summary>The options in force.</summary>
    public RandomAffineOptions Options { get; }

    /// <inheritdoc />
    public override AffineParameters Sample(long[] inputShape, Generator? generator = null)
    {
        Guard.BatchShape(inputShape, nameof(inputShape), "images [N, C, H, W] for RandomAffine", exactDims: 4);
        long n = inputShape[0], h = inputShape[2], w = inputShape[3];
        // All draws in one call; the 3×3 matrices are closed-form per sample (N small products, not tensor ops).
        double[] u = Draws.Uniform(7 * n, generator);
        double Uniform(int row, long i, (double Min, double Max) r) => r.Min + (u[(row * n) + i] * (r.Max - r.Min));
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        var matrices = new double[n * 9];
        var applied = new bool[n];
        for (long i = 0; i < n; i++)
        {
            applied[i] = u[i] < Options.Probability;
            var m = applied[i]
                ? Compose(
                    Uniform(1, i, Options.Degrees),
                    Uniform(2, i, (-Options.Translate.X * w, Options.Translate.X * w)),
                    Uniform(3, i, (-Options.Translate.Y * h, Options.Translate.Y * h)),
                    Uniform(4, i, Options.Scale),
                    Uniform(5, i, Options.ShearX),
                    Uniform(6, i, Options.ShearY),
                    cx,
                    cy)
                : new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
            Array.Copy(m, 0, matrices, i * 9, 9);
        }

        return new AffineParameters(
            torch.tensor(matrices, new[] { n, 3L, 3L }, dtype: ScalarType.Float64),
            torch.tensor(applied, dtype: ScalarType.Bool));
    }

    /// <summary>
    /// T(c + t)·R(θ)·Sh(sx, sy)·S(s)·T(−c) in closed form, row-major; equal to composing the <see cref="AffineMatrix"/>
    /// builders (a test pins that).
    /// </summary>
    internal static double[] Compose(double degrees, double tx, double ty, double scale, double shearXDegrees, double shearYDegrees, double cx, double cy)
    {
        double a = degrees * Math.PI / 180.0, cos = Math.Cos(a), sin = Math.Sin(a);
        double kx = Math.Tan(shearXDegrees * Math.PI / 180.0), ky = Math.Tan(shearYDegrees * Math.PI / 180.0);

        // R·Sh·S (linear part): R = [[cos, sin], [−sin, cos]], Sh = [[1, kx], [ky, 1]], S = s·I.
        double l00 = scale * (cos + (sin * ky)), l01 = scale * ((cos * kx) + sin);
        double l10 = scale * (-sin + (cos * ky)), l11 = scale * ((-sin * kx) + cos);

        // T(c + t)·L·T(−c): translation part = c + t − L·c.
        double t0 = cx + tx - ((l00 * cx) + (l01 * cy));
        double t1 = cy + ty - ((l10 * cx) + (l11 * cy));
        return new[] { l00, l01, t0, l10, l11, t1, 0, 0, 1 };
    }

    /// <inheritdoc />
    public override Tensor Transform(Tensor inputs, AffineParameters parameters)
    {
        Guard.NotNull(parameters, nameof(parameters));
        CheckInputs(inputs);
        if (parameters.Matrices.shape[0] != inputs.shape[0])
        {
            throw new ArgumentException($"parameters.Matrices must be [{inputs.shape[0]}, 3, 3] for inputs {Guard.Shape(inputs.shape)}; got {Guard.Shape(parameters.Matrices.shape)}.", nameof(parameters));
        }

        return AffineWarp.Apply(inputs, parameters.Matrices, Options.Interpolation, Options.Padding);
    }

    private protected override void CheckInputs(Tensor inputs)
    {
        Guard.NotNull(inputs, nameof(inputs));
        Guard.BatchShape(inputs.shape, nameof(inputs), "images [N, C, H, W] for RandomAffine", exactDims: 4);
        if (!Guard.IsFloating(inputs.dtype))
        {
            throw new ArgumentException($"RandomAffine needs floating images; got {Guard.Describe(inputs)}.", nameof(inputs));
        }
    }

    private static void Range((double Min, double Max) r, string name, double low, bool exclusiveLow = false, double high = double.PositiveInfinity)
    {
        bool lowOk = exclusiveLow ? r.Min > low : r.Min >= low;
        if (double.IsNaN(r.Min) || double.IsNaN(r.Max) || !lowOk || r.Max > high || r.Min > r.Max || double.IsInfinity(r.Min) || double.IsInfinity(r.Max))
        {
            throw new ArgumentOutOfRangeException(name, $"RandomAffineOptions.{name} must be a finite range with Min ≤ Max{(exclusiveLow ? $", Min > {low}" : "")}{(double.IsInfinity(high) ? "" : $", within ±{high}")}; got ({r.Min}, {r.Max}).");
        }
    }

    /// <summary>
    /// The boxes of the images this draw warps: <see cref="Detection.BoxTransforms.Affine"/> with the draw's matrices
    /// (the enclosing box of the transformed corners, clipped; boxes with nothing left become padding).
    /// </summary>
    /// <param name="boxes">The batch's boxes.</param>
    /// <param name="parameters">The draw applied to the images.</param>
    /// <param name="height">H of the images.</param>
    /// <param name="width">W of the images.</param>
    public static Detection.BoxBatch ApplyToBoxes(Detection.BoxBatch boxes, AffineParameters parameters, long height, long width)
    {
        Guard.NotNull(parameters, nameof(parameters));
        return Detection.BoxTransforms.Affine(boxes, parameters.Matrices, height, width);
    }
}
