using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// CutMix along the length of sequences [N, C, L] (audio, time series, token embeddings laid out as channels × length):
/// a contiguous span of the partner is pasted, and λ = 1 − span length / L (with <see cref="CutMixOptions.CorrectLambda"/>).
/// </summary>
/// <remarks>
/// The span is the one-dimensional analogue of CutMix's box (Yun et al. 2019): with λ ~ Beta(α, α) the cut length is
/// ⌊L·(1 − λ)⌋ around a uniform centre, clipped at the ends (<see cref="CutMixBox.FromLambdaAlongLength"/>). Spans are
/// recorded in <see cref="MixParameters.Boxes"/> as (0, start, 1, end). Any dtype; modes, probability, label smoothing and
/// replay as in <see cref="CutMix"/>. With <see cref="CutMixOptions.SideRatioRange"/> the span length is drawn in
/// [Min·L, Max·L) and lies fully inside the sequence.
/// </remarks>
public sealed class SequenceCutMix : BatchMixer
{
    private readonly MixEngine _engine;

    /// <summary>Creates a sequence CutMix for <paramref name="numClasses"/> classes.</summary>
    /// <exception cref="System.ArgumentException">An option is out of range; the message names it and its value.</exception>
    public SequenceCutMix(int numClasses, CutMixOptions? options = null)
        : base(numClasses)
    {
        Options = options ?? new CutMixOptions();
        _engine = CutMix.BuildEngine(MixerKind.SequenceCutMix, numClasses, Options);
    }

    /// <summary>The options in force.</summary>
    public CutMixOptions Options { get; }

    private protected override MixEngine Engine => _engine;
}
