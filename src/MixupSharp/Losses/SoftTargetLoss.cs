using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Losses;

/// <summary>A loss module over (logits, soft targets) with a fixed <see cref="LossReduction"/>.</summary>
public abstract class SoftTargetLoss : nn.Module<Tensor, Tensor, Tensor>
{
    private protected SoftTargetLoss(string name, LossReduction reduction)
        : base(name)
    {
        Guard.Enum(reduction, nameof(reduction));
        Reduction = reduction;
    }

    /// <summary>How per-sample losses are reduced.</summary>
    public LossReduction Reduction { get; }

    /// <summary>Computes the loss of <paramref name="input"/> (raw logits) against <paramref name="target"/> (soft targets).</summary>
    public sealed override Tensor forward(Tensor input, Tensor target) => Evaluate(input, target, Reduction);

    private protected abstract Tensor Evaluate(Tensor logits, Tensor targets, LossReduction reduction);
}
