using MixupSharp.Internal;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// Mixup (Zhang, Cisse, Dauphin and Lopez-Paz, "mixup: Beyond Empirical Risk Minimization", ICLR 2018, arXiv:1710.09412):
/// with λ ~ Beta(α, α), inputs become λ·x_i + (1 − λ)·x_partner(i) and targets λ·t_i + (1 − λ)·t_partner(i).
/// </summary>
/// <remarks>
/// Works on any floating batch [N, ...]: images, feature vectors, sequences, spectrograms. Targets are soft labels
/// [N, numClasses]; train on them with <see cref="Losses.SoftTargetCrossEntropy"/>. Sampling and applying are separate:
/// <see cref="BatchMixer.Sample"/> draws <see cref="MixParameters"/> from a <see cref="Generator"/>, and
/// <see cref="BatchMixer.Apply(Tensor, Tensor, MixParameters)"/> replays them exactly. The caller's tensors are never modified.
/// </remarks>
public sealed class Mixup : BatchMixer
{
    private readonly MixEngine _engine;

    /// <summary>Creates a Mixup for <paramref name="numClasses"/> classes.</summary>
    /// <param name="numClasses">The number of classes (at least 2).</param>
    /// <param name="options">The options; <see cref="MixupOptions"/> defaults when null.</param>
    /// <exception cref="System.ArgumentException">An option is out of range; the message names it and its value.</exception>
    public Mixup(int numClasses, MixupOptions? options = null)
        : base(numClasses)
    {
        Options = options ?? new MixupOptions();
        Guard.Alpha(Options.Alpha, "MixupOptions.Alpha");
        Guard.Enum(Options.Mode, "MixupOptions.Mode");
        Guard.Probability(Options.Probability, "MixupOptions.Probability");
        Guard.Smoothing(Options.LabelSmoothing, "MixupOptions.LabelSmoothing");
        _engine = new MixEngine(new MixRecipe(MixerKind.Mixup, numClasses, Options.Mode, Options.Probability, Options.LabelSmoothing,
            MixupAlpha: Options.Alpha, CutMixAlpha: 0, SwitchProbability: 0, CorrectLambda: false, SideRatioRange: null));
    }

    /// <summary>The options in force.</summary>
    public MixupOptions Options { get; }

    private protected override MixEngine Engine => _engine;
}
