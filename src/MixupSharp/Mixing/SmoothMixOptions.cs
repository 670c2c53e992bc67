namespace MixupSharp.Mixing;

/// <summary>The shape of <see cref="SmoothMix"/>'s region.</summary>
public enum SmoothMixShape
{
    /// <summary>A disc: weight exp(−r²/2σ²) with r the Euclidean distance to the centre (OpenMixup's SmoothMix).</summary>
    Circle,

    /// <summary>A square: weight exp(−r²/2σ²) with r the largest of the horizontal and vertical distances.</summary>
    Square,
}

/// <summary>Options of <see cref="SmoothMix"/>; defaults as OpenMixup's implementation (a disc, σ uniform in [0.25, 0.5] of the side).</summary>
public sealed record SmoothMixOptions
{
    /// <summary>The region's shape.</summary>
    public SmoothMixShape Shape { get; init; } = SmoothMixShape.Circle;

    /// <summary>σ of the Gaussian edge as a fraction of the image height, drawn uniformly from this range per sample.</summary>
    public (double Min, double Max) SigmaRange { get; init; } = (0.25, 0.5);

    /// <summary>The probability that a sample is mixed at all.</summary>
    public double Probability { get; init; } = 1.0;

    /// <summary>Label smoothing ε folded into index labels.</summary>
    public double LabelSmoothing { get; init; }
}
