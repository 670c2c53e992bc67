using MixupSharp.Mixing;
using MixupSharp.Training.Options;

namespace MixupSharp.Training.Methods;

/// <summary>timm's names for how λ is shared: one per batch, per pair, or per element (sample).</summary>
public enum MixModeName
{
    /// <summary>One λ (and box) for the batch.</summary>
    Batch,

    /// <summary>One λ per pair of consecutive samples of a permutation.</summary>
    Pair,

    /// <summary>One λ per sample.</summary>
    Elem,
}

/// <summary>The options Mixup, CutMix and their switch share, named as timm's <c>Mixup</c> arguments.</summary>
public static class MixingMethodOptions
{
    /// <summary><c>--mix-mode batch|pair|elem</c> (timm's <c>mode</c>).</summary>
    public static readonly MethodOption<MixModeName> Mode = MethodOption.Choice("mix-mode", "how λ is shared: per batch, pair or element (timm's mode)", MixModeName.Batch);

    /// <summary><c>--cutmix-minmax MIN,MAX</c> (timm's <c>cutmix_minmax</c>): CutMix box sides as fractions of the image, drawn in the range instead of from λ.</summary>
    public static readonly MethodOption<double[]?> CutMixMinMax = MethodOption.OptionalRange("cutmix-minmax", "box side ratio range, replacing the Beta draw (timm's cutmix_minmax)", (min, max) => min > 0 && min < max && max <= 1, "must be MIN,MAX with 0 < MIN < MAX ≤ 1");

    /// <summary>The library's mode.</summary>
    public static MixMode ModeOf(TrainingOptions options) => options.Get(Mode) switch
    {
        MixModeName.Pair => MixMode.PerPair,
        MixModeName.Elem => MixMode.PerSample,
        _ => MixMode.PerBatch,
    };

    /// <summary>The side-ratio range, or null.</summary>
    public static (double Min, double Max)? MinMaxOf(TrainingOptions options) => options.Get(CutMixMinMax) is { } r ? (r[0], r[1]) : null;
}
