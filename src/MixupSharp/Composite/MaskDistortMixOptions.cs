namespace MixupSharp.Composite;

/// <summary>How the masked and the distorted view are blended.</summary>
public enum Blend
{
    /// <summary>λ·M(x) + (1 − λ)·D(x).</summary>
    Linear,

    /// <summary>M(x)^λ ∘ D(x)^(1 − λ) (the "exponential" mixing), on non-negative intensities.</summary>
    Geometric,
}

/// <summary>How synthetic samples enter the batch.</summary>
public enum SyntheticInsertion
{
    /// <summary>Each selected sample is replaced by its synthetic version; the batch keeps its size.</summary>
    Replace,

    /// <summary>The originals come first, then the synthetic versions of the selected samples (with probability 1 the batch doubles).</summary>
    Append,
}

/// <summary>Options of <see cref="MaskDistortMix{TDistortion}"/>. Immutable; validated at construction.</summary>
public sealed record MaskDistortMixOptions
{
    /// <summary>The α of the per-sample view weight λ ~ Beta(α, α); 0 gives λ = 1 (the masked view alone). Default 1.0.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>The blend of the two views. Default <see cref="Blend.Linear"/>.</summary>
    public Blend Blend { get; init; } = Blend.Linear;

    /// <summary>
    /// When true, the masked view of x_i is blended with the distorted view of a partner x_partner(i) (one randperm),
    /// and targets are mixed by λ as in Mixup. When false (the default), both views come from the same sample and
    /// targets are the sample's own.
    /// </summary>
    public bool MixPartners { get; init; }

    /// <summary>How synthetic samples enter the batch. Default <see cref="SyntheticInsertion.Replace"/>.</summary>
    public SyntheticInsertion Insertion { get; init; } = SyntheticInsertion.Replace;

    /// <summary>The probability that a sample gets a synthetic version. Default 1.0.</summary>
    public double Probability { get; init; } = 1.0;

    /// <summary>Label smoothing ε in [0, 1) for class-index labels. Default 0.</summary>
    public double LabelSmoothing { get; init; }
}
