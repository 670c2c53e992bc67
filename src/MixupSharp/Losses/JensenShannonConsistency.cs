using System;
using System.Linq;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Losses;

/// <summary>
/// The Jensen–Shannon consistency loss of AugMix (Hendrycks et al., "AugMix", ICLR 2020, arXiv:1912.02781):
/// weight · (1/k)·Σ_i KL(p_i ‖ M) with p_i = softmax(logits_i) over k views (clean, view 1, view 2, …) and
/// M = clamp(mean p_i, 1e-7, 1), averaged over the batch. Add it to the classification loss of the clean view.
/// </summary>
/// <remarks>The views can be any augmentations, e.g. two independent <see cref="Composite.MaskDistortMix{TDistortion}"/> draws.</remarks>
public sealed class JensenShannonConsistency : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    /// <summary>AugMix's weight λ = 12.</summary>
    public const double DefaultWeight = 12.0;

    /// <summary>Creates the loss module over three views.</summary>
    /// <param name="weight">The weight of the term (≥ 0); 12 as in AugMix.</param>
    public JensenShannonConsistency(double weight = DefaultWeight)
        : base(nameof(JensenShannonConsistency))
    {
        CheckWeight(weight);
        Weight = weight;
    }

    /// <summary>The weight of the term.</summary>
    public double Weight { get; }

    /// <summary>Computes the weighted Jensen–Shannon divergence between the predictions of two or more views.</summary>
    /// <param name="weight">The weight (≥ 0).</param>
    /// <param name="logits">Raw scores [N, C] per view, all of one shape (the clean view first by convention).</param>
    /// <returns>A scalar.</returns>
    public static Tensor Compute(double weight, params Tensor[] logits)
    {
        CheckWeight(weight);
        if (logits is null || logits.Length < 2)
        {
            throw new ArgumentException($"Jensen–Shannon consistency needs at least two views; got {logits?.Length ?? 0}.", nameof(logits));
        }

        foreach (var view in logits)
        {
            Guard.NotNull(view, nameof(logits));
            if (!Guard.IsFloating(view.dtype) || view.shape.Length != 2 || !view.shape.SequenceEqual(logits[0].shape))
            {
                throw new ArgumentException($"every view must be floating logits shaped like the first {Guard.Shape(logits[0].shape)} [N, C]; got {Guard.Describe(view)}.", nameof(logits));
            }
        }

        using var scope = torch.NewDisposeScope();
        var probabilities = logits.Select(z => z.softmax(1)).ToArray();
        var mixture = torch.stack(probabilities, 0).mean(new long[] { 0 }).clamp(1e-7, 1.0).log();
        Tensor total = torch.zeros(1, dtype: logits[0].dtype, device: logits[0].device).squeeze();
        foreach (var p in probabilities)
        {
            // KL(p ‖ M) = Σ p·(log p − log M), with 0·log 0 = 0; summed over classes, averaged over the batch.
            total = total + (torch.xlogy(p, p) - (p * mixture)).sum(1).mean();
        }

        return (total * (weight / logits.Length)).MoveToOuterDisposeScope();
    }

    /// <summary>Computes the loss over (clean, view 1, view 2) with this module's weight.</summary>
    public override Tensor forward(Tensor clean, Tensor view1, Tensor view2) => Compute(Weight, clean, view1, view2);

    private static void CheckWeight(double weight)
    {
        if (double.IsNaN(weight) || double.IsInfinity(weight) || weight < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, $"the Jensen–Shannon weight must be finite and ≥ 0; got {weight}.");
        }
    }
}
