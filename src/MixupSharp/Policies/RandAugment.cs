using System;
using MixupSharp.Distortion;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Policies;

/// <summary>Options of <see cref="RandAugment"/>; torchvision's defaults. Immutable; validated at construction.</summary>
public sealed record RandAugmentOptions
{
    /// <summary>N: operations applied in sequence per sample. Default 2.</summary>
    public int NumOps { get; init; } = 2;

    /// <summary>M: the magnitude bin, 0 … <see cref="NumMagnitudeBins"/> − 1. Default 9.</summary>
    public int Magnitude { get; init; } = 9;

    /// <summary>The number of magnitude bins. Default 31.</summary>
    public int NumMagnitudeBins { get; init; } = 31;

    /// <summary>
    /// The standard deviation, in bins, of Gaussian noise added to M per operation (timm's <c>magnitude_std</c>), clipped
    /// to the bins; fractional bins interpolate the table. Default 0: no noise, as torchvision.
    /// </summary>
    public double MagnitudeStd { get; init; }

    /// <summary>How shear, translate and rotate read between pixels. Default nearest, as torchvision.</summary>
    public Interpolation Interpolation { get; init; } = Interpolation.Nearest;
}

/// <summary>
/// RandAugment (Cubuk, Zoph, Shlens and Le, "RandAugment: Practical automated data augmentation with a reduced search
/// space", 2020): every sample draws N operations uniformly from <see cref="AugmentationSpace.RandAugment"/>, each at
/// magnitude M with a random sign where the operation has one. torchvision 0.14's <c>RandAugment</c>, per sample.
/// </summary>
public sealed class RandAugment : PolicyAugmentation
{
    /// <summary>Creates RandAugment.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public RandAugment(RandAugmentOptions? options = null)
        : base((options ?? new RandAugmentOptions()).Interpolation)
    {
        Options = options ?? new RandAugmentOptions();
        if (Options.NumOps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"RandAugmentOptions.NumOps must be ≥ 0; got {Options.NumOps}.");
        }

        if (Options.NumMagnitudeBins < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"RandAugmentOptions.NumMagnitudeBins must be ≥ 2; got {Options.NumMagnitudeBins}.");
        }

        if (Options.Magnitude < 0 || Options.Magnitude >= Options.NumMagnitudeBins)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"RandAugmentOptions.Magnitude must be a bin 0–{Options.NumMagnitudeBins - 1}; got {Options.Magnitude}.");
        }

        if (!(Options.MagnitudeStd >= 0) || double.IsInfinity(Options.MagnitudeStd))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"RandAugmentOptions.MagnitudeStd must be finite and ≥ 0; got {Options.MagnitudeStd}.");
        }
    }

    /// <summary>The options in force.</summary>
    public RandAugmentOptions Options { get; }

    /// <inheritdoc />
    public override PolicyParameters Sample(long[] inputShape, Generator? generator = null)
    {
        CheckShape(inputShape);
        long n = inputShape[0];
        int steps = Options.NumOps;
        var space = AugmentationSpace.RandAugment(Options.NumMagnitudeBins, inputShape[2], inputShape[3]);
        double[] u = Draws.Uniform(2 * n * steps, generator);
        double[]? noise = Options.MagnitudeStd > 0 ? Draws.Normal(n * steps, generator) : null;
        var ops = new long[n * steps];
        var magnitudes = new double[n * steps];
        for (long k = 0; k < n * steps; k++)
        {
            var range = space.Ops[Draws.Index(u[k], space.Ops.Count)];
            double bin = noise is null ? Options.Magnitude : Math.Clamp(Options.Magnitude + (Options.MagnitudeStd * noise[k]), 0, Options.NumMagnitudeBins - 1);
            double m = range.At(bin);
            ops[k] = (long)range.Op;
            magnitudes[k] = range.Signed && u[(n * steps) + k] < 0.5 ? -m : m;
        }

        return Parameters(ops, magnitudes, n, steps);
    }
}
