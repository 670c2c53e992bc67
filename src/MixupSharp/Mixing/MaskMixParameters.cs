using System;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// The draw of a mask mixer (<see cref="FMix"/>, <see cref="SmoothMix"/>, <see cref="GridMix"/>,
/// <see cref="SaliencyMix"/>): per sample, a mask of the weight of its own pixels, its partner, and λ, the weight of its
/// own label (the mask's mean). Output = M∘x_i + (1 − M)∘x_Partner[i].
/// </summary>
public sealed class MaskMixParameters : IMixDraw
{
    /// <summary>Creates parameters that this object then owns.</summary>
    /// <param name="masks">[N, 1, H, W] (images) or [N, 1, L] (sequences) float32 in [0, 1]: the weight of each sample's own values.</param>
    /// <param name="partner">[N] int64.</param>
    /// <param name="lambda">[N] float64: the weight of each sample's own label.</param>
    /// <param name="boxes">[N, 4] int64 (top, left, bottom, right; bottom/right exclusive) of a pasted box, or null.</param>
    public MaskMixParameters(Tensor masks, Tensor partner, Tensor lambda, Tensor? boxes = null)
    {
        Masks = masks ?? throw new ArgumentNullException(nameof(masks));
        Partner = partner ?? throw new ArgumentNullException(nameof(partner));
        Lambda = lambda ?? throw new ArgumentNullException(nameof(lambda));
        Boxes = boxes;
    }

    /// <summary>[N, 1, H, W] or [N, 1, L] float32: the weight of each sample's own values (1: kept, 0: the partner's).</summary>
    public Tensor Masks { get; }

    /// <inheritdoc />
    public Tensor Partner { get; }

    /// <inheritdoc />
    public Tensor Lambda { get; }

    /// <summary>[N, 4] int64 boxes where the mask is a box (SaliencyMix); null otherwise.</summary>
    public Tensor? Boxes { get; }

    /// <summary>λ as a managed array.</summary>
    public double[] LambdaValues() => Lambda.data<double>().ToArray();

    /// <summary>The partners as a managed array.</summary>
    public long[] PartnerValues() => Partner.data<long>().ToArray();

    /// <summary>Moves every tensor to the enclosing dispose scope; returns this object.</summary>
    internal MaskMixParameters MoveToOuterDisposeScope()
    {
        Masks.MoveToOuterDisposeScope();
        Partner.MoveToOuterDisposeScope();
        Lambda.MoveToOuterDisposeScope();
        Boxes?.MoveToOuterDisposeScope();
        return this;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Masks.Dispose();
        Partner.Dispose();
        Lambda.Dispose();
        Boxes?.Dispose();
    }
}
