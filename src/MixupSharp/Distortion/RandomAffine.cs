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
        using var scope = torch.NewDisposeScope();
        Tensor Uniform((double Min, double Max) r) => (torch.rand(n, dtype: ScalarType.Float64, generator: generator) * (r.Max - r.Min)) + r.Min;
        var applied = torch.rand(n, dtype: ScalarType.Float64, generator: generator) < Options.Probability;
        var angle = Uniform(Options.Degrees);
        var tx = Uniform((-Options.Translate.X * w, Options.Translate.X * w));
        var ty = Uniform((-Options.Translate.Y * h, Options.Translate.Y * h));
        var scale = Uniform(Options.Scale);
        var shearX = Uniform(Options.ShearX);
        var shearY = Uniform(Options.ShearY);
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        var matrices = AffineMatrix.Compose(
            AffineMatrix.Translation(tx, ty),
            AffineMatrix.Rotation(angle, cx, cy),
            AffineMatrix.Shear(shearX, shearY, cx, cy),
            AffineMatrix.Scale(scale, scale, cx, cy));
        matrices = torch.where(applied.reshape(n, 1, 1), matrices, AffineMatrix.Identity(n));
        var result = new AffineParameters(matrices, applied);
        result.Matrices.MoveToOuterDisposeScope();
        result.Applied.MoveToOuterDisposeScope();
        return result;
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
}
