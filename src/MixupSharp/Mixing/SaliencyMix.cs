using System;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// SaliencyMix (Uddin et al., "SaliencyMix: A Saliency Guided Data Augmentation Strategy for Better Regularization",
/// ICLR 2021): a CutMix box whose side ratio √(1 − λ) comes from λ ~ Beta(α, α), centred on the most salient pixel of
/// the partner (<see cref="SpectralResidualSaliency"/>), clipped to the image and pasted from the partner at the same
/// place; λ is then corrected to 1 − (pasted area)/(H·W).
/// </summary>
/// <remarks>
/// Like the reference code (and OpenMixup), one λ and one box centred on the saliency peak of the first mixed sample's
/// partner serve the batch by default (<see cref="SaliencyMixOptions.Mode"/>); <see cref="MixMode.PerSample"/> centres
/// every sample's box on its own partner's peak.
/// </remarks>
public sealed class SaliencyMix : MaskMixer
{
    /// <summary>Creates SaliencyMix for <paramref name="numClasses"/> classes.</summary>
    public SaliencyMix(int numClasses, SaliencyMixOptions? options = null)
        : base(numClasses, (options ?? new SaliencyMixOptions()).LabelSmoothing, (options ?? new SaliencyMixOptions()).Probability, sequences: false)
    {
        Options = options ?? new SaliencyMixOptions();
        Guard.Alpha(Options.Alpha, "SaliencyMixOptions.Alpha");
        if (Options.Mode is not (MixMode.PerBatch or MixMode.PerSample))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"SaliencyMixOptions.Mode must be PerBatch or PerSample; got {Options.Mode}.");
        }

        if (!(Options.BlurSigma >= 0) || double.IsInfinity(Options.BlurSigma))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"SaliencyMixOptions.BlurSigma must be ≥ 0; got {Options.BlurSigma}.");
        }
    }

    /// <summary>The options in force.</summary>
    public SaliencyMixOptions Options { get; }

    /// <inheritdoc />
    public override MaskMixParameters Sample(Tensor inputs, Generator? generator = null)
    {
        Guard.NotNull(inputs, nameof(inputs));
        CheckInputs(inputs);
        long n = inputs.shape[0], h = inputs.shape[2], w = inputs.shape[3];
        var (partner, mixed) = DrawPartners(n, generator);
        bool perSample = Options.Mode == MixMode.PerSample;
        double[] lambda = Draws.Beta(Options.Alpha, perSample ? n : 1, generator);
        using var scope = torch.NewDisposeScope();

        // Per batch, only the first mixed sample's partner needs a saliency map.
        long first = Array.IndexOf(mixed, true);
        var sources = perSample ? inputs : inputs.narrow(0, first < 0 ? 0 : partner[first], 1);
        var (rows, columns) = SpectralResidualSaliency.Peaks(SpectralResidualSaliency.Map(sources.detach(), Options.BlurSigma));
        var boxes = new long[n * 4];
        for (long i = 0; i < n; i++)
        {
            if (!mixed[i] || Options.Alpha <= 0)
            {
                continue;
            }

            long source = perSample ? partner[i] : 0;
            var box = CutMixBox.FromLambda(lambda[perSample ? i : 0], rows[source], columns[source], h, w);
            boxes[i * 4] = box.Top;
            boxes[(i * 4) + 1] = box.Left;
            boxes[(i * 4) + 2] = box.Bottom;
            boxes[(i * 4) + 3] = box.Right;
        }

        var b = torch.tensor(boxes, new long[] { n, 4 }, dtype: ScalarType.Int64);
        var y = torch.arange(h, dtype: ScalarType.Int64).reshape(1, h, 1);
        var x = torch.arange(w, dtype: ScalarType.Int64).reshape(1, 1, w);
        var inside = (y >= b[.., 0].reshape(n, 1, 1)) & (y < b[.., 2].reshape(n, 1, 1)) & (x >= b[.., 1].reshape(n, 1, 1)) & (x < b[.., 3].reshape(n, 1, 1));
        return Finish(inside.logical_not().to_type(ScalarType.Float32), partner, mixed, b).MoveToOuterDisposeScope();
    }
}
