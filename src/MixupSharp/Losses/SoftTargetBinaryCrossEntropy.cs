using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Losses;

/// <summary>
/// Binary cross-entropy with logits against soft multi-label targets in [0, 1]: a sigmoid per class, averaged over
/// classes and batch. For multi-label data, where mixed targets are λ·y_a + (1 − λ)·y_b per class.
/// </summary>
public sealed class SoftTargetBinaryCrossEntropy : SoftTargetLoss
{
    /// <summary>Creates the loss module.</summary>
    /// <param name="reduction">How per-sample losses (each the mean over classes) are reduced; the mean by default.</param>
    public SoftTargetBinaryCrossEntropy(LossReduction reduction = LossReduction.Mean)
        : base(nameof(SoftTargetBinaryCrossEntropy), reduction)
    {
    }

    /// <summary>Computes the mean over classes of −[t·log σ(z) + (1 − t)·log(1 − σ(z))], reduced over the batch.</summary>
    /// <param name="logits">Raw scores [N, C], floating.</param>
    /// <param name="targets">Targets [N, C] in [0, 1], floating.</param>
    /// <param name="reduction">How per-sample losses are reduced; the mean by default.</param>
    public static Tensor Compute(Tensor logits, Tensor targets, LossReduction reduction = LossReduction.Mean)
    {
        LossChecks.SameShapeFloating(logits, targets, minDims: 2, nameof(SoftTargetBinaryCrossEntropy));
        using var scope = torch.NewDisposeScope();
        var elementwise = nn.functional.binary_cross_entropy_with_logits(logits, targets.to_type(logits.dtype), reduction: nn.Reduction.None);
        var perSample = elementwise.flatten(1).mean(new long[] { 1 });
        return LossChecks.Reduce(perSample, reduction).MoveToOuterDisposeScope();
    }

    private protected override Tensor Evaluate(Tensor logits, Tensor targets, LossReduction reduction) => Compute(logits, targets, reduction);
}
