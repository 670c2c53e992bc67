using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MixupSharp.Training.Methods;

/// <summary>
/// AutoMix's Mix Block (Liu et al., "AutoMix: Unveiling the Power of Mixup for Stronger Classifiers", ECCV 2022,
/// arXiv:2103.13027), as OpenMixup's <c>PixelMixBlock</c> in its small-dataset configuration (reduction 2, scaled
/// embedded-Gaussian attention, nearest upsampling, a 1 × 1 value convolution, no λ multiplication): from the feature
/// maps x of a batch and of its partners x' (x[index]), a query convolution q embeds both, the attention
/// softmax(q(x)·q(x')ᵀ / √(C/2)) carries the value v(x') to each position of x, and the sigmoid of the result, upsampled,
/// is the partner's weight m; the mask is [1 − m, m]. With <c>lamConcat</c>, λ (and 1 − λ for the partner) is appended
/// as a constant channel to the inputs of q and v, as OpenMixup's <c>lam_concat</c>.
/// </summary>
public sealed class PixelMixBlock : Module<Tensor, Tensor, double, Tensor>
{
    private readonly Conv2d query;
    private readonly Conv2d value;

    /// <summary>Creates the block for feature maps of <paramref name="channels"/> channels.</summary>
    /// <param name="channels">Channels of the features it reads.</param>
    /// <param name="lamConcat">Whether λ is a channel of its input (OpenMixup's small-dataset config has it off).</param>
    /// <param name="scaleFactor">The upsampling from the features' size to the images'.</param>
    public PixelMixBlock(long channels, bool lamConcat, long scaleFactor)
        : base(nameof(PixelMixBlock))
    {
        if (channels < 1 || scaleFactor < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), $"a Mix Block needs ≥ 1 channel and a scale factor ≥ 1; got {channels} and {scaleFactor}.");
        }

        LamConcat = lamConcat;
        ScaleFactor = scaleFactor;
        InterChannels = Math.Max(channels / 2, 1);
        long inputs = channels + (lamConcat ? 1 : 0);
        query = Conv2d(inputs, InterChannels, 1);
        value = Conv2d(inputs, 1, 1);
        RegisterComponents();

        // The reference's init: normal(0, 0.01) weights, zero biases.
        using (torch.no_grad())
        {
            foreach (var conv in new[] { query, value })
            {
                nn.init.normal_(conv.weight!, 0, 0.01);
                nn.init.zeros_(conv.bias!);
            }
        }
    }

    /// <summary>Whether λ is a channel of the block's input.</summary>
    public bool LamConcat { get; }

    /// <summary>The upsampling factor from the features to the images.</summary>
    public long ScaleFactor { get; }

    /// <summary>The query's channels, C / 2.</summary>
    public long InterChannels { get; }

    /// <summary>
    /// The mask [N, 2, H·s, W·s] for features [N, C, H, W] and partner indices [N]: channel 0 is the weight of each sample's
    /// own image, channel 1 its partner's.
    /// </summary>
    public override Tensor forward(Tensor features, Tensor index, double lambda)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(index);
        using var scope = torch.NewDisposeScope();
        long n = features.shape[0], h = features.shape[2], w = features.shape[3];
        var own = features;
        var partner = features.index_select(0, index);
        if (LamConcat)
        {
            own = torch.cat(new[] { own, torch.full(new[] { n, 1, h, w }, lambda, dtype: features.dtype, device: features.device) }, 1);
            partner = torch.cat(new[] { partner, torch.full(new[] { n, 1, h, w }, 1 - lambda, dtype: features.dtype, device: features.device) }, 1);
        }

        var v = value.call(partner).reshape(n, 1, h * w).permute(0, 2, 1);                  // [N, HW, 1]
        var q = query.call(own).reshape(n, InterChannels, h * w).permute(0, 2, 1);           // [N, HW, C/2]
        var k = query.call(partner).reshape(n, InterChannels, h * w);                       // [N, C/2, HW]
        using var scale = (1.0 / Math.Sqrt(InterChannels)).ToScalar();
        var attention = torch.matmul(q, k).mul(scale).softmax(-1);                         // [N, HW, HW]
        var partnerWeight = torch.matmul(attention, v).reshape(n, 1, h, w);
        partnerWeight = nn.functional.interpolate(partnerWeight, scale_factor: new double[] { ScaleFactor, ScaleFactor }, mode: InterpolationMode.Nearest).sigmoid();
        return torch.cat(new[] { torch.ones_like(partnerWeight) - partnerWeight, partnerWeight }, 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// OpenMixup's L1 mask loss: max(|1 − mean(m) − λ| − margin, 0), with m the partner's weight averaged over the whole
    /// batch. It pulls the share of the own image toward λ.
    /// </summary>
    public static Tensor MaskLoss(Tensor mask, double lambda, double margin)
    {
        ArgumentNullException.ThrowIfNull(mask);
        using var scope = torch.NewDisposeScope();
        using var target = (1 - lambda).ToScalar();
        using var slack = margin.ToScalar();
        using var zero = 0.0.ToScalar();
        var partnerMean = mask.select(1, 1).mean();
        return (partnerMean - target).abs().sub(slack).clamp_min(zero).MoveToOuterDisposeScope();
    }
}
