using System;
using MixupSharp.Distortion;
using MixupSharp.Internal;
using static TorchSharp.torch;

namespace MixupSharp.Policies;

/// <summary>Options of <see cref="TrivialAugmentWide"/>; torchvision's defaults.</summary>
public sealed record TrivialAugmentWideOptions
{
    /// <summary>The number of magnitude bins. Default 31.</summary>
    public int NumMagnitudeBins { get; init; } = 31;

    /// <summary>How shear, translate and rotate read between pixels. Default nearest, as torchvision.</summary>
    public Interpolation Interpolation { get; init; } = Interpolation.Nearest;
}

/// <summary>
/// TrivialAugmentWide (Müller and Hutter, "TrivialAugment: Tuning-free Yet State-of-the-Art Data Augmentation",
/// ICCV 2021): every sample gets one operation drawn uniformly from <see cref="AugmentationSpace.TrivialAugmentWide"/>
/// at a uniformly drawn magnitude bin, with a random sign where the operation has one. torchvision 0.14's
/// <c>TrivialAugmentWide</c>, per sample; note its translations are absolute (up to 32 pixels, made for 32×32 images).
/// </summary>
public sealed class TrivialAugmentWide : PolicyAugmentation
{
    /// <summary>Creates TrivialAugmentWide.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public TrivialAugmentWide(TrivialAugmentWideOptions? options = null)
        : base((options ?? new TrivialAugmentWideOptions()).Interpolation)
    {
        Options = options ?? new TrivialAugmentWideOptions();
        if (Options.NumMagnitudeBins < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"TrivialAugmentWideOptions.NumMagnitudeBins must be ≥ 2; got {Options.NumMagnitudeBins}.");
        }
    }

    /// <summary>The options in force.</summary>
    public TrivialAugmentWideOptions Options { get; }

    /// <inheritdoc />
    public override PolicyParameters Sample(long[] inputShape, Generator? generator = null)
    {
        CheckShape(inputShape);
        long n = inputShape[0];
        var space = AugmentationSpace.TrivialAugmentWide(Options.NumMagnitudeBins);
        double[] u = Draws.Uniform(3 * n, generator);
        var ops = new long[n];
        var magnitudes = new double[n];
        for (long i = 0; i < n; i++)
        {
            var range = space.Ops[Draws.Index(u[i], space.Ops.Count)];
            double m = range.At(Draws.Index(u[n + i], Options.NumMagnitudeBins));
            ops[i] = (long)range.Op;
            magnitudes[i] = range.Signed && u[(2 * n) + i] < 0.5 ? -m : m;
        }

        return Parameters(ops, magnitudes, n, 1);
    }
}
