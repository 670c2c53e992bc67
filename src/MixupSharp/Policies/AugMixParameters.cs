using System;
using MixupSharp.Internal;
using static TorchSharp.torch;

namespace MixupSharp.Policies;

/// <summary>
/// The draw of <see cref="AugMix"/>: per sample, the weight of the original image, the weight of each chain, and each
/// chain's operations and signed magnitudes (chains shorter than the depth end in <see cref="PolicyOp.Identity"/>).
/// The weights of a sample sum to 1: the result is a convex combination.
/// </summary>
public sealed class AugMixParameters : IDisposable
{
    /// <summary>Creates parameters from tensors, which this object then owns.</summary>
    /// <param name="originalWeights">Float64 [N]: m, the Beta(α, α) weight of the original image.</param>
    /// <param name="chainWeights">Float64 [N, width]: (1 − m)·w with w ~ Dirichlet(α, …, α).</param>
    /// <param name="ops">Int64 [N, width, depth]: <see cref="PolicyOp"/> values.</param>
    /// <param name="magnitudes">Float64 [N, width, depth].</param>
    /// <exception cref="ArgumentException">The shapes or types do not agree.</exception>
    public AugMixParameters(Tensor originalWeights, Tensor chainWeights, Tensor ops, Tensor magnitudes)
    {
        Guard.NotNull(originalWeights, nameof(originalWeights));
        Guard.NotNull(chainWeights, nameof(chainWeights));
        Guard.NotNull(ops, nameof(ops));
        Guard.NotNull(magnitudes, nameof(magnitudes));
        PolicyChain.CheckDraw(ops, magnitudes, 3, nameof(ops));
        long n = ops.shape[0], width = ops.shape[1];
        Guard.PerSample(originalWeights, ScalarType.Float64, n, "originalWeights", nameof(originalWeights));
        if (chainWeights.dtype != ScalarType.Float64 || chainWeights.dim() != 2 || chainWeights.shape[0] != n || chainWeights.shape[1] != width)
        {
            throw new ArgumentException($"chainWeights must be float64 [{n}, {width}] to match the chains; got {Guard.Describe(chainWeights)}.", nameof(chainWeights));
        }

        OriginalWeights = originalWeights;
        ChainWeights = chainWeights;
        Ops = ops;
        Magnitudes = magnitudes;
    }

    /// <summary>Float64 [N]: the weight of the original image.</summary>
    public Tensor OriginalWeights { get; }

    /// <summary>Float64 [N, width]: the weight of each chain's output.</summary>
    public Tensor ChainWeights { get; }

    /// <summary>Int64 [N, width, depth]: the operations.</summary>
    public Tensor Ops { get; }

    /// <summary>Float64 [N, width, depth]: the signed magnitudes.</summary>
    public Tensor Magnitudes { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        OriginalWeights.Dispose();
        ChainWeights.Dispose();
        Ops.Dispose();
        Magnitudes.Dispose();
    }
}
