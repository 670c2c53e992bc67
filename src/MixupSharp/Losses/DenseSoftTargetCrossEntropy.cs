using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Losses;

/// <summary>
/// Soft-target cross-entropy for dense predictions [N, C, d1, ...]: −Σ_c t·log_softmax(z) per position, averaged over
/// the positions whose target row is not all zero (all-zero rows mark ignored pixels, see <see cref="Dense.DenseTargets"/>).
/// </summary>
public sealed class DenseSoftTargetCrossEntropy : SoftTargetLoss
{
    /// <summary>Creates the loss module (mean over valid positions).</summary>
    public DenseSoftTargetCrossEntropy()
        : base(nameof(DenseSoftTargetCrossEntropy), LossReduction.Mean)
    {
    }

    /// <summary>Computes the loss; 0 when no position is valid.</summary>
    /// <param name="logits">Raw scores [N, C, d1, ...].</param>
    /// <param name="targets">Soft targets of the same shape; all-zero rows are ignored.</param>
    public static Tensor Compute(Tensor logits, Tensor targets)
    {
        LossChecks.SameShapeFloating(logits, targets, minDims: 3, nameof(DenseSoftTargetCrossEntropy));
        using var scope = torch.NewDisposeScope();
        var t = targets.to_type(logits.dtype);
        var perPosition = -(t * logits.log_softmax(1)).sum(1);
        var valid = (t.sum(1) > 0).to_type(logits.dtype);
        var count = valid.sum().clamp_min(1);
        return ((perPosition * valid).sum() / count).MoveToOuterDisposeScope();
    }

    private protected override Tensor Evaluate(Tensor logits, Tensor targets, LossReduction reduction) => Compute(logits, targets);
}
