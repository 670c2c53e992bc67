namespace MixupSharp.Mixing;

/// <summary>Options of <see cref="Mixup"/>. Immutable; validated when a <see cref="Mixup"/> is constructed.</summary>
public sealed record MixupOptions
{
    /// <summary>The α of λ ~ Beta(α, α). 0 disables mixing (λ = 1). Default 1.0 (the mixup paper's CIFAR setting).</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Whether λ is drawn per batch, per pair or per sample. Default <see cref="MixMode.PerBatch"/>.</summary>
    public MixMode Mode { get; init; } = MixMode.PerBatch;

    /// <summary>The probability that mixing happens at all, per batch, pair or sample (following <see cref="Mode"/>). Default 1.0.</summary>
    public double Probability { get; init; } = 1.0;

    /// <summary>Label smoothing ε in [0, 1) applied to class-index labels before mixing: (1 − ε)·onehot + ε/C. Default 0.</summary>
    public double LabelSmoothing { get; init; }
}
