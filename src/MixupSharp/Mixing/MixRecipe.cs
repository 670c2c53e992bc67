namespace MixupSharp.Mixing;

/// <summary>Which public mixer a <see cref="MixEngine"/> serves: it fixes the inputs it takes and the parameters it records.</summary>
internal enum MixerKind
{
    /// <summary><see cref="Mixing.Mixup"/>: linear blending of any floating batch.</summary>
    Mixup,

    /// <summary><see cref="Mixing.CutMix"/>: boxes on images [N, C, H, W].</summary>
    CutMix,

    /// <summary><see cref="Mixing.SequenceCutMix"/>: boxes along the length of sequences [N, C, L].</summary>
    SequenceCutMix,

    /// <summary><see cref="Mixing.MixupOrCutMix"/>: a per-group switch between the two, recorded per sample.</summary>
    MixupOrCutMix,
}

/// <summary>Everything a <see cref="MixEngine"/> mixes by, validated by the public mixer that builds it.</summary>
/// <param name="Kind">The mixer served.</param>
/// <param name="NumClasses">Classes of the soft targets.</param>
/// <param name="Mode">Per batch, pair or sample λ.</param>
/// <param name="Probability">The probability that a group is mixed at all.</param>
/// <param name="LabelSmoothing">ε folded into index labels.</param>
/// <param name="MixupAlpha">α of Mixup's λ (0: no Mixup).</param>
/// <param name="CutMixAlpha">α of CutMix's λ (0: no CutMix).</param>
/// <param name="SwitchProbability">P(CutMix) when both are on.</param>
/// <param name="CorrectLambda">Whether CutMix's λ is recomputed from the clipped box.</param>
/// <param name="SideRatioRange">timm's <c>cutmix_minmax</c>, or null.</param>
internal sealed record MixRecipe(
    MixerKind Kind,
    int NumClasses,
    MixMode Mode,
    double Probability,
    double LabelSmoothing,
    double MixupAlpha,
    double CutMixAlpha,
    double SwitchProbability,
    bool CorrectLambda,
    (double Min, double Max)? SideRatioRange);
