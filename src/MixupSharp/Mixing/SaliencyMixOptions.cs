namespace MixupSharp.Mixing;

/// <summary>Options of <see cref="SaliencyMix"/>; defaults as the paper's CIFAR code and OpenMixup (α 1).</summary>
public sealed record SaliencyMixOptions
{
    /// <summary>α of λ ~ Beta(α, α), which sets the box's side ratio √(1 − λ); 0 disables mixing.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>σ of the Gaussian blur of the saliency map, as a fraction of the image's larger side (Hou and Zhang blur 64-pixel maps with σ = 8, i.e. 1/8; 1/16 keeps small images' peaks sharper).</summary>
    public double BlurSigma { get; init; } = 1.0 / 16;

    /// <summary>
    /// <see cref="MixMode.PerBatch"/> (the reference code's: one λ, and one box centred on the first mixed sample's
    /// partner's saliency peak, for the batch) or <see cref="MixMode.PerSample"/> (each sample its own λ and a box on its
    /// own partner's peak; the saliency of every image is computed).
    /// </summary>
    public MixMode Mode { get; init; } = MixMode.PerBatch;

    /// <summary>The probability that a sample is mixed at all.</summary>
    public double Probability { get; init; } = 1.0;

    /// <summary>Label smoothing ε folded into index labels.</summary>
    public double LabelSmoothing { get; init; }
}
