using MixupSharp.Distortion;

namespace MixupSharp.Mixing;

/// <summary>Options of <see cref="ResizeMix"/>; defaults as OpenMixup (τ uniform in [0.1, 0.8], nearest-neighbour resizing).</summary>
public sealed record ResizeMixOptions
{
    /// <summary>The scale τ of the pasted partner (its sides are ⌊τ·H⌋ × ⌊τ·W⌋), drawn uniformly from this range per batch; within (0, 1].</summary>
    public (double Min, double Max) ScaleRange { get; init; } = (0.1, 0.8);

    /// <summary>How the partner is resized.</summary>
    public Interpolation Interpolation { get; init; } = Interpolation.Nearest;

    /// <summary>The probability that a sample is mixed at all.</summary>
    public double Probability { get; init; } = 1.0;

    /// <summary>Label smoothing ε folded into index labels.</summary>
    public double LabelSmoothing { get; init; }
}
