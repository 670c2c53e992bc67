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
/// <see cref="Sample"/> draws <see cref="MixParameters"/> from a <see cref="Generator"/>, and
/// <see cref="Apply(Tensor, Tensor, MixParameters)"/> replays them exactly. The caller's tensors are never modified.
/// </remarks>
public sealed class Mixup
{
    private readonly MixEngine _engine;

    /// <summary>Creates a Mixup for <paramref name="numClasses"/> classes.</summary>
    /// <param name="numClasses">The number of classes (at least 2).</param>
    /// <param name="options">The options; <see cref="MixupOptions"/> defaults when null.</param>
    /// <exception cref="System.ArgumentException">An option is out of range; the message names it and its value.</exception>
    public Mixup(int numClasses, MixupOptions? options = null)
    {
        Options = options ?? new MixupOptions();
        Guard.NumClasses(numClasses);
        Guard.Alpha(Options.Alpha, "MixupOptions.Alpha");
        Guard.Enum(Options.Mode, "MixupOptions.Mode");
        Guard.Probability(Options.Probability, "MixupOptions.Probability");
        Guard.Smoothing(Options.LabelSmoothing, "MixupOptions.LabelSmoothing");
        NumClasses = numClasses;
        _engine = new MixEngine(nameof(Mixup), numClasses, Options.Mode, Options.Probability, Options.LabelSmoothing,
            mixupAlpha: Options.Alpha, cutMixAlpha: 0, switchProbability: 0, correctLambda: false, sideRatioRange: null);
    }

    /// <summary>The number of classes of the targets.</summary>
    public int NumClasses { get; }

    /// <summary>The options in force.</summary>
    public MixupOptions Options { get; }

    /// <summary>Draws partners and λ for a batch of shape <paramref name="inputShape"/>; nothing else.</summary>
    /// <param name="inputShape">The batch shape [N, ...].</param>
    /// <param name="generator">The random source; TorchSharp's default generator when null.</param>
    public MixParameters Sample(long[] inputShape, Generator? generator = null) => _engine.Sample(inputShape, generator);

    /// <summary>Samples parameters, then applies them.</summary>
    /// <param name="inputs">A floating batch [N, ...].</param>
    /// <param name="labels">Class indices [N] (integer) or probabilities [N, numClasses] (floating).</param>
    /// <param name="generator">The random source; TorchSharp's default generator when null.</param>
    /// <returns>A new batch that owns its tensors and its parameters.</returns>
    public MixedBatch Apply(Tensor inputs, Tensor labels, Generator? generator = null) =>
        _engine.SampleAndApply(inputs, labels, generator);

    /// <summary>Applies given parameters: a deterministic replay.</summary>
    /// <param name="inputs">A floating batch [N, ...].</param>
    /// <param name="labels">Class indices [N] (integer) or probabilities [N, numClasses] (floating).</param>
    /// <param name="parameters">Parameters from <see cref="Sample"/> (or built by hand); not owned by the result.</param>
    public MixedBatch Apply(Tensor inputs, Tensor labels, MixParameters parameters) =>
        _engine.Apply(inputs, labels, parameters, ownsParameters: false);
}
