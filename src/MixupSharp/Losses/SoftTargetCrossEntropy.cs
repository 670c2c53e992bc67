using System;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Losses;

/// <summary>
/// Cross-entropy against soft targets: the mean over the batch of −Σ_c t_c·log_softmax(z)_c, the loss that Mixup and
/// CutMix targets are trained with (timm's <c>SoftTargetCrossEntropy</c>).
/// </summary>
/// <remarks>
/// Pass raw logits: the softmax happens inside the loss (as log_softmax, for stability), never before it. For one-hot
/// targets it equals <c>cross_entropy</c>; for λ·t_a + (1 − λ)·t_b it equals λ·CE(a) + (1 − λ)·CE(b). Logits and targets
/// are [N, C], or [N, C, d1, ...] for dense predictions (the class dimension is 1).
/// Use <see cref="Compute"/> directly, or this module in a TorchSharp training loop.
/// </remarks>
public sealed class SoftTargetCrossEntropy : SoftTargetLoss
{
    /// <summary>Creates the loss module.</summary>
    /// <param name="reduction">How per-sample losses are reduced; <see cref="LossReduction.Mean"/> by default.</param>
    public SoftTargetCrossEntropy(LossReduction reduction = LossReduction.Mean)
        : base(nameof(SoftTargetCrossEntropy), reduction)
    {
    }

    /// <summary>Computes −Σ_c t_c·log_softmax(z)_c, reduced over the batch.</summary>
    /// <param name="logits">Raw scores [N, C] (or [N, C, ...]), floating.</param>
    /// <param name="targets">Soft targets of the same shape, floating (each row a distribution over C).</param>
    /// <param name="reduction">How per-sample losses are reduced; the mean by default.</param>
    /// <returns>A scalar, or per-sample losses [N] (or [N, ...]) with <see cref="LossReduction.None"/>.</returns>
    public static Tensor Compute(Tensor logits, Tensor targets, LossReduction reduction = LossReduction.Mean)
    {
        LossChecks.SameShapeFloating(logits, targets, minDims: 2, nameof(SoftTargetCrossEntropy));
        using var scope = torch.NewDisposeScope();
        var perSample = -(targets.to_type(logits.dtype) * logits.log_softmax(1)).sum(1);
        return LossChecks.Reduce(perSample, reduction).MoveToOuterDisposeScope();
    }

    private protected override Tensor Evaluate(Tensor logits, Tensor targets, LossReduction reduction) => Compute(logits, targets, reduction);
}
