using MixupSharp.Internal;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// Mixup or CutMix, switched at random (timm's <c>Mixup</c> semantics): <see cref="MixupOrCutMixOptions.Probability"/>
/// gates mixing, then <see cref="MixupOrCutMixOptions.SwitchProbability"/> picks CutMix over Mixup per batch, per pair or
/// per sample, following <see cref="MixupOrCutMixOptions.Mode"/>.
/// </summary>
/// <remarks>
/// See <see cref="Mixup"/> (Zhang et al. 2018) and <see cref="CutMix"/> (Yun et al. 2019) for each method.
/// <see cref="MixParameters.UsesCutMix"/> records which samples were cut; <see cref="MixParameters.Boxes"/> is
/// (0,0,0,0) for the others. Needs images [N, C, H, W]; floating unless <see cref="MixupOrCutMixOptions.MixupAlpha"/> is 0.
/// With <see cref="MixupOrCutMixOptions.CutMixAlpha"/> 0 it is plain Mixup and accepts any batch [N, ...].
/// </remarks>
public sealed class MixupOrCutMix : BatchMixer
{
    private readonly MixEngine _engine;

    /// <summary>Creates a Mixup-or-CutMix for <paramref name="numClasses"/> classes.</summary>
    /// <param name="numClasses">The number of classes (at least 2).</param>
    /// <param name="options">The options; <see cref="MixupOrCutMixOptions"/> defaults when null.</param>
    /// <exception cref="System.ArgumentException">An option is out of range; the message names it and its value.</exception>
    public MixupOrCutMix(int numClasses, MixupOrCutMixOptions? options = null)
        : base(numClasses)
    {
        Options = options ?? new MixupOrCutMixOptions();
        Guard.Alpha(Options.MixupAlpha, "MixupOrCutMixOptions.MixupAlpha");
        Guard.Alpha(Options.CutMixAlpha, "MixupOrCutMixOptions.CutMixAlpha");
        Guard.Probability(Options.SwitchProbability, "MixupOrCutMixOptions.SwitchProbability");
        Guard.Enum(Options.Mode, "MixupOrCutMixOptions.Mode");
        Guard.Probability(Options.Probability, "MixupOrCutMixOptions.Probability");
        Guard.Smoothing(Options.LabelSmoothing, "MixupOrCutMixOptions.LabelSmoothing");
        Guard.SideRatioRange(Options.SideRatioRange, "MixupOrCutMixOptions.SideRatioRange");
        _engine = new MixEngine(new MixRecipe(MixerKind.MixupOrCutMix, numClasses, Options.Mode, Options.Probability, Options.LabelSmoothing,
            Options.MixupAlpha, Options.CutMixAlpha, Options.SwitchProbability, Options.CorrectLambda, Options.SideRatioRange));
    }

    /// <summary>The options in force.</summary>
    public MixupOrCutMixOptions Options { get; }

    private protected override MixEngine Engine => _engine;
}
