namespace MixupSharp.Mixing;

/// <summary>Options of <see cref="FMix"/>; defaults as the paper's reference code and OpenMixup (α 1, δ 3, hard masks).</summary>
public sealed record FMixOptions
{
    /// <summary>α of λ ~ Beta(α, α), the target share of each sample's own values; 0 disables mixing (λ = 1).</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>δ: the noise spectrum falls as 1/f^δ; larger δ gives smoother, blobbier masks.</summary>
    public double DecayPower { get; init; } = 3.0;

    /// <summary>Soft edges: a band of up to this fraction of the values on each side of the threshold ramps linearly from 1 to 0 (0: a binary mask); at most 0.5.</summary>
    public double MaxSoft { get; init; }

    /// <summary>
    /// <see cref="MixMode.PerBatch"/> (the reference code's: one mask and λ for the batch, fast) or
    /// <see cref="MixMode.PerSample"/> (each sample its own mask and λ; the per-row ranking costs a sort of every mask).
    /// </summary>
    public MixMode Mode { get; init; } = MixMode.PerBatch;

    /// <summary>The probability that a sample is mixed at all.</summary>
    public double Probability { get; init; } = 1.0;

    /// <summary>Label smoothing ε folded into index labels.</summary>
    public double LabelSmoothing { get; init; }
}
