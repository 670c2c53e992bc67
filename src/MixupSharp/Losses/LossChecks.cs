using System;
using MixupSharp.Internal;
using static TorchSharp.torch;

namespace MixupSharp.Losses;

/// <summary>Shared argument checks and reductions of the soft-target losses.</summary>
internal static class LossChecks
{
    public static void SameShapeFloating(Tensor logits, Tensor targets, int minDims, string loss)
    {
        Guard.NotNull(logits, nameof(logits));
        Guard.NotNull(targets, nameof(targets));
        if (!Guard.IsFloating(logits.dtype) || logits.shape.Length < minDims)
        {
            throw new ArgumentException($"{loss}: logits must be floating [N, C, ...]; got {Guard.Describe(logits)}.", nameof(logits));
        }

        if (!Guard.IsFloating(targets.dtype))
        {
            throw new ArgumentException($"{loss}: targets must be floating soft targets shaped like the logits {Guard.Shape(logits.shape)}; got {Guard.Describe(targets)}. Turn class indices into targets with SoftTargets.FromIndices.", nameof(targets));
        }

        if (!logits.shape.AsSpan().SequenceEqual(targets.shape))
        {
            throw new ArgumentException($"{loss}: targets must have the logits' shape {Guard.Shape(logits.shape)}; got {Guard.Shape(targets.shape)}.", nameof(targets));
        }
    }

    public static Tensor Reduce(Tensor perSample, LossReduction reduction) => reduction switch
    {
        LossReduction.Mean => perSample.mean(),
        LossReduction.Sum => perSample.sum(),
        _ => perSample,
    };
}
