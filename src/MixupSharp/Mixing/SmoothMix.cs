using System;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// SmoothMix (Lee et al., "SmoothMix: a Simple Yet Effective Data Augmentation to Train Robust Classifiers", CVPR
/// Workshops 2020): the partner shows through a region with a Gaussian-smoothed edge, K = exp(−r²/2σ²) around a centre
/// drawn uniformly over the pixels, with σ drawn per sample from <see cref="SmoothMixOptions.SigmaRange"/> × H (OpenMixup:
/// 0.25–0.5). Output = (1 − K)∘x_i + K∘x_partner(i); each sample's own label weighs λ = mean(1 − K), its partner's mean(K).
/// </summary>
/// <remarks>
/// OpenMixup draws one region per batch and returns mean(K), the partner's share, as the weight of the sample's own
/// label; here each sample draws its own region and the label weights follow the pixels (own: 1 − mean(K)).
/// </remarks>
public sealed class SmoothMix : MaskMixer
{
    /// <summary>Creates SmoothMix for <paramref name="numClasses"/> classes.</summary>
    public SmoothMix(int numClasses, SmoothMixOptions? options = null)
        : base(numClasses, (options ?? new SmoothMixOptions()).LabelSmoothing, (options ?? new SmoothMixOptions()).Probability, sequences: false)
    {
        Options = options ?? new SmoothMixOptions();
        Guard.Enum(Options.Shape, "SmoothMixOptions.Shape");
        var (min, max) = Options.SigmaRange;
        if (!(min > 0 && max >= min) || double.IsInfinity(max))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"SmoothMixOptions.SigmaRange must satisfy 0 < min ≤ max; got ({min}, {max}).");
        }
    }

    /// <summary>The options in force.</summary>
    public SmoothMixOptions Options { get; }

    /// <inheritdoc />
    public override MaskMixParameters Sample(Tensor inputs, Generator? generator = null)
    {
        Guard.NotNull(inputs, nameof(inputs));
        CheckInputs(inputs);
        long n = inputs.shape[0], h = inputs.shape[2], w = inputs.shape[3];
        var (partner, mixed) = DrawPartners(n, generator);
        double[] cy = Draws.Uniform(n, generator), cx = Draws.Uniform(n, generator), s = Draws.Uniform(n, generator);
        using var scope = torch.NewDisposeScope();
        var centreY = torch.tensor(cy, dtype: ScalarType.Float64).mul(h).floor().reshape(n, 1, 1);
        var centreX = torch.tensor(cx, dtype: ScalarType.Float64).mul(w).floor().reshape(n, 1, 1);
        var (min, max) = Options.SigmaRange;
        var sigma = (torch.tensor(s, dtype: ScalarType.Float64) * (max - min) + min).mul(h).reshape(n, 1, 1);
        var dy = torch.arange(h, dtype: ScalarType.Float64).reshape(1, h, 1) - centreY;
        var dx = torch.arange(w, dtype: ScalarType.Float64).reshape(1, 1, w) - centreX;
        var r2 = Options.Shape == SmoothMixShape.Circle ? (dy * dy) + (dx * dx) : torch.maximum(dy.abs(), dx.abs()).pow(2);
        var partnerWeight = (-r2 / (2 * sigma * sigma)).exp();
        return Finish(1 - partnerWeight, partner, mixed).MoveToOuterDisposeScope();
    }
}
