using System;
using System.Collections.Generic;
using System.Linq;
using MixupSharp.Internal;

namespace MixupSharp.Policies;

/// <summary>One operation of an <see cref="AugmentationSpace"/>: its magnitude per bin, and whether a random sign applies.</summary>
/// <param name="Op">The operation.</param>
/// <param name="Magnitudes">The magnitude of each bin; empty for operations without one (their magnitude is 0).</param>
/// <param name="Signed">Whether the magnitude is negated with probability ½.</param>
public sealed record OpRange(PolicyOp Op, IReadOnlyList<double> Magnitudes, bool Signed)
{
    /// <summary>The magnitude at a bin; a fractional bin (RandAugment's magnitude noise) interpolates linearly.</summary>
    public double At(double bin)
    {
        if (Magnitudes.Count == 0)
        {
            return 0.0;
        }

        double b = Math.Clamp(bin, 0, Magnitudes.Count - 1);
        int low = (int)Math.Floor(b);
        return low == b ? Magnitudes[low] : Magnitudes[low] + ((b - low) * (Magnitudes[low + 1] - Magnitudes[low]));
    }
}

/// <summary>
/// The operations a policy draws from and their magnitude tables: torchvision 0.14's <c>_augmentation_space</c> of
/// each policy, value for value (the tables are float32 there and here, and a test compares them with the ones
/// <c>tests/reference/policy_reference.py</c> exports). The order of <see cref="Ops"/> is torchvision's: a uniform draw
/// of an index picks the operation.
/// </summary>
public sealed class AugmentationSpace
{
    private AugmentationSpace(IReadOnlyList<OpRange> ops)
    {
        Ops = ops;
    }

    /// <summary>The operations, in torchvision's order.</summary>
    public IReadOnlyList<OpRange> Ops { get; }

    /// <summary>RandAugment's space (Cubuk et al., 2020) for <paramref name="bins"/> magnitude bins and images of the given size.</summary>
    public static AugmentationSpace RandAugment(int bins, long height, long width)
    {
        CheckBins(bins);
        return new(new[] { Fixed(PolicyOp.Identity) }.Concat(Standard(bins, height, width, 0.3, 150.0 / 331.0, 30.0, 0.9, posterizeFrom: 8, posterizeSpan: 4)).ToArray());
    }

    /// <summary>TrivialAugmentWide's space (Müller &amp; Hutter, 2021): the wide ranges, translations in absolute pixels (up to 32).</summary>
    public static AugmentationSpace TrivialAugmentWide(int bins)
    {
        CheckBins(bins);
        return new(new[]
        {
            Fixed(PolicyOp.Identity),
            Linear(PolicyOp.ShearX, 0.99, bins, true), Linear(PolicyOp.ShearY, 0.99, bins, true),
            Linear(PolicyOp.TranslateX, 32.0, bins, true), Linear(PolicyOp.TranslateY, 32.0, bins, true),
            Linear(PolicyOp.Rotate, 135.0, bins, true),
            Linear(PolicyOp.Brightness, 0.99, bins, true), Linear(PolicyOp.Color, 0.99, bins, true),
            Linear(PolicyOp.Contrast, 0.99, bins, true), Linear(PolicyOp.Sharpness, 0.99, bins, true),
            Posterize(8, 6, bins), Solarize(bins), Fixed(PolicyOp.AutoContrast), Fixed(PolicyOp.Equalize),
        });
    }

    /// <summary>AutoAugment's space (Cubuk et al., 2019): 10 bins, as its policies index them; Invert instead of Identity.</summary>
    public static AugmentationSpace AutoAugment(long height, long width) =>
        new(Standard(10, height, width, 0.3, 150.0 / 331.0, 30.0, 0.9, posterizeFrom: 8, posterizeSpan: 4).Append(Fixed(PolicyOp.Invert)).ToArray());

    /// <summary>
    /// AugMix's space (Hendrycks et al., 2020): 10 bins of which severity s uses the first s; translations up to a third
    /// of the image, Posterize down from 4 bits; Brightness, Color, Contrast and Sharpness only with <paramref name="allOps"/>.
    /// </summary>
    public static AugmentationSpace AugMix(long height, long width, bool allOps = true)
    {
        const int bins = 10;
        var ops = new List<OpRange>
        {
            Linear(PolicyOp.ShearX, 0.3, bins, true), Linear(PolicyOp.ShearY, 0.3, bins, true),
            Linear(PolicyOp.TranslateX, width / 3.0, bins, true), Linear(PolicyOp.TranslateY, height / 3.0, bins, true),
            Linear(PolicyOp.Rotate, 30.0, bins, true), Posterize(4, 4, bins), Solarize(bins),
            Fixed(PolicyOp.AutoContrast), Fixed(PolicyOp.Equalize),
        };
        if (allOps)
        {
            ops.AddRange(new[] { Linear(PolicyOp.Brightness, 0.9, bins, true), Linear(PolicyOp.Color, 0.9, bins, true), Linear(PolicyOp.Contrast, 0.9, bins, true), Linear(PolicyOp.Sharpness, 0.9, bins, true) });
        }

        return new(ops);
    }

    /// <summary>The range of <paramref name="op"/>; an operation not in the space is an error naming the space's operations.</summary>
    public OpRange this[PolicyOp op] => Ops.FirstOrDefault(r => r.Op == op)
        ?? throw new ArgumentException($"{op} is not in this augmentation space ({string.Join(", ", Ops.Select(r => r.Op))}).", nameof(op));

    /// <summary>
    /// <c>torch.linspace(start, end, steps)</c> in float32, as torch computes it: step = (end − start)/(steps − 1) in
    /// float, start + i·step for the first half and end − (steps − 1 − i)·step for the second.
    /// </summary>
    internal static double[] Linspace32(double start, double end, int steps)
    {
        var values = new double[steps];
        float s = (float)start, e = (float)end;
        if (steps == 1)
        {
            values[0] = s;
            return values;
        }

        float step = (e - s) / (steps - 1);
        int half = steps / 2;
        for (int i = 0; i < steps; i++)
        {
            values[i] = i < half ? s + (i * step) : e - ((steps - 1 - i) * step);
        }

        return values;
    }

    private static IEnumerable<OpRange> Standard(int bins, long height, long width, double shear, double translate, double rotate, double color, int posterizeFrom, int posterizeSpan) => new[]
    {
        Linear(PolicyOp.ShearX, shear, bins, true), Linear(PolicyOp.ShearY, shear, bins, true),
        Linear(PolicyOp.TranslateX, translate * width, bins, true), Linear(PolicyOp.TranslateY, translate * height, bins, true),
        Linear(PolicyOp.Rotate, rotate, bins, true),
        Linear(PolicyOp.Brightness, color, bins, true), Linear(PolicyOp.Color, color, bins, true),
        Linear(PolicyOp.Contrast, color, bins, true), Linear(PolicyOp.Sharpness, color, bins, true),
        Posterize(posterizeFrom, posterizeSpan, bins), Solarize(bins), Fixed(PolicyOp.AutoContrast), Fixed(PolicyOp.Equalize),
    };

    private static OpRange Linear(PolicyOp op, double end, int bins, bool signed) => new(op, Linspace32(0.0, end, bins), signed);

    // from − round(i / ((bins − 1) / span)), i.e. from bits down to from − span (half to even, as torch.round).
    private static OpRange Posterize(int from, int span, int bins) => new(PolicyOp.Posterize,
        Enumerable.Range(0, bins).Select(i => (double)(from - (int)Math.Round((float)(i / (float)((bins - 1) / (double)span)), MidpointRounding.ToEven))).ToArray(), false);

    private static OpRange Solarize(int bins) => new(PolicyOp.Solarize, Linspace32(255.0, 0.0, bins), false);

    private static OpRange Fixed(PolicyOp op) => new(op, Array.Empty<double>(), false);

    private static void CheckBins(int bins)
    {
        if (bins < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(bins), bins, $"the number of magnitude bins must be at least 2; got {bins}.");
        }
    }
}
