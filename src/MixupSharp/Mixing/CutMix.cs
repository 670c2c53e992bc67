using MixupSharp.Internal;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// CutMix (Yun et al., "CutMix: Regularization Strategy to Train Strong Classifiers with Localizable Features",
/// ICCV 2019, arXiv:1905.04899): a box of the partner's image is pasted into each image, and targets are weighted by
/// the area actually pasted.
/// </summary>
/// <remarks>
/// Box arithmetic follows timm's <c>rand_bbox</c>: λ ~ Beta(α, α), side ratio r = √(1 − λ), cut_h = ⌊H·r⌋,
/// cut_w = ⌊W·r⌋, centre uniform over the pixels, box clipped at the border; with
/// <see cref="CutMixOptions.CorrectLambda"/>, λ = 1 − area / (H·W). Needs images [N, C, H, W] of any dtype.
/// Targets are soft labels [N, numClasses]; boxes are in <see cref="MixParameters.Boxes"/>.
/// </remarks>
public sealed class CutMix : BatchMixer
{
    private readonly MixEngine _engine;

    /// <summary>Creates a CutMix for <paramref name="numClasses"/> classes.</summary>
    /// <param name="numClasses">The number of classes (at least 2).</param>
    /// <param name="options">The options; <see cref="CutMixOptions"/> defaults when null.</param>
    /// <exception cref="System.ArgumentException">An option is out of range; the message names it and its value.</exception>
    public CutMix(int numClasses, CutMixOptions? options = null)
        : base(numClasses)
    {
        Options = options ?? new CutMixOptions();
        _engine = BuildEngine(MixerKind.CutMix, numClasses, Options);
    }

    /// <summary>Validates CutMix options and builds the engine (shared with <see cref="SequenceCutMix"/>).</summary>
    internal static MixEngine BuildEngine(MixerKind kind, int numClasses, CutMixOptions options)
    {
        Guard.Alpha(options.Alpha, "CutMixOptions.Alpha");
        Guard.Enum(options.Mode, "CutMixOptions.Mode");
        Guard.Probability(options.Probability, "CutMixOptions.Probability");
        Guard.Smoothing(options.LabelSmoothing, "CutMixOptions.LabelSmoothing");
        Guard.SideRatioRange(options.SideRatioRange, "CutMixOptions.SideRatioRange");
        return new MixEngine(new MixRecipe(kind, numClasses, options.Mode, options.Probability, options.LabelSmoothing,
            MixupAlpha: 0, CutMixAlpha: options.Alpha, SwitchProbability: 1, CorrectLambda: options.CorrectLambda, SideRatioRange: options.SideRatioRange));
    }

    /// <summary>The options in force.</summary>
    public CutMixOptions Options { get; }

    private protected override MixEngine Engine => _engine;
}
