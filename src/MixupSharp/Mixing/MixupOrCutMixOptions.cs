namespace MixupSharp.Mixing;

/// <summary>Options of <see cref="MixupOrCutMix"/> (timm's <c>Mixup</c> semantics). Immutable; validated at construction.</summary>
public sealed record MixupOrCutMixOptions
{
    /// <summary>The α of Mixup's λ ~ Beta(α, α); 0 turns Mixup off, leaving only CutMix. Default 1.0.</summary>
    public double MixupAlpha { get; init; } = 1.0;

    /// <summary>The α of CutMix's λ ~ Beta(α, α); 0 turns CutMix off, leaving only Mixup. Default 1.0.</summary>
    public double CutMixAlpha { get; init; } = 1.0;

    /// <summary>P(CutMix) when both methods are on, drawn per batch, pair or sample (following <see cref="Mode"/>). Default 0.5.</summary>
    public double SwitchProbability { get; init; } = 0.5;

    /// <summary>Whether the draws are per batch, per pair or per sample. Default <see cref="MixMode.PerBatch"/>.</summary>
    public MixMode Mode { get; init; } = MixMode.PerBatch;

    /// <summary>The probability that mixing happens at all; the switch then picks the method. Default 1.0.</summary>
    public double Probability { get; init; } = 1.0;

    /// <summary>Label smoothing ε in [0, 1) applied to class-index labels before mixing. Default 0.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Whether CutMix's λ is recomputed from the clipped box area (see <see cref="CutMixOptions.CorrectLambda"/>). Default true.</summary>
    public bool CorrectLambda { get; init; } = true;

    /// <summary>CutMix's side-ratio range (see <see cref="CutMixOptions.SideRatioRange"/>). Default none.</summary>
    public (double Min, double Max)? SideRatioRange { get; init; }
}
