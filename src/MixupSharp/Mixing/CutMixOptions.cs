namespace MixupSharp.Mixing;

/// <summary>Options of <see cref="CutMix"/>. Immutable; validated when a <see cref="CutMix"/> is constructed.</summary>
public sealed record CutMixOptions
{
    /// <summary>The α of λ ~ Beta(α, α) that sets the box size (side ratio √(1 − λ)). 0 disables mixing. Default 1.0 (the CutMix paper).</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Whether λ and the box are drawn per batch, per pair or per sample. Default <see cref="MixMode.PerBatch"/>.</summary>
    public MixMode Mode { get; init; } = MixMode.PerBatch;

    /// <summary>The probability that mixing happens at all, per batch, pair or sample (following <see cref="Mode"/>). Default 1.0.</summary>
    public double Probability { get; init; } = 1.0;

    /// <summary>Label smoothing ε in [0, 1) applied to class-index labels before mixing. Default 0.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>
    /// When true (the default), λ is recomputed as 1 − box area / (H·W) after the box is clipped at the image border,
    /// so the label weights match the pixels actually pasted.
    /// </summary>
    public bool CorrectLambda { get; init; } = true;

    /// <summary>
    /// When set (timm's <c>cutmix_minmax</c>), each box side is drawn uniformly in [Min·H, Max·H) and [Min·W, Max·W),
    /// the box lies fully inside the image, <see cref="Alpha"/> only switches mixing on or off, and λ is always corrected.
    /// Requires 0 ≤ Min &lt; Max ≤ 1.
    /// </summary>
    public (double Min, double Max)? SideRatioRange { get; init; }
}
