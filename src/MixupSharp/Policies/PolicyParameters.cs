using System;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Policies;

/// <summary>
/// The draw of <see cref="RandAugment"/>, <see cref="TrivialAugmentWide"/> or <see cref="AutoAugment"/>: for every
/// sample, a chain of operations with their signed magnitudes, applied left to right. A step that was not applied
/// (AutoAugment's probabilities) is <see cref="PolicyOp.Identity"/>.
/// </summary>
public sealed class PolicyParameters : IDisposable
{
    /// <summary>Creates parameters from tensors, which this object then owns.</summary>
    /// <param name="ops">Int64 [N, steps]: <see cref="PolicyOp"/> values.</param>
    /// <param name="magnitudes">Float64 [N, steps]: the magnitude of each step, sign included.</param>
    /// <exception cref="ArgumentException">The shapes or types do not match, or a value is not an operation.</exception>
    public PolicyParameters(Tensor ops, Tensor magnitudes)
    {
        Guard.NotNull(ops, nameof(ops));
        Guard.NotNull(magnitudes, nameof(magnitudes));
        PolicyChain.CheckDraw(ops, magnitudes, 2, nameof(ops));
        Ops = ops;
        Magnitudes = magnitudes;
    }

    /// <summary>Int64 [N, steps]: the operation of every sample's every step.</summary>
    public Tensor Ops { get; }

    /// <summary>Float64 [N, steps]: the signed magnitude of every step.</summary>
    public Tensor Magnitudes { get; }

    /// <summary>The number of steps of each sample's chain.</summary>
    public int Steps => (int)Ops.shape[1];

    /// <summary>The operation of <paramref name="sample"/>'s step <paramref name="step"/>.</summary>
    public PolicyOp Op(long sample, int step)
    {
        using var value = Ops[sample, step];
        return (PolicyOp)value.item<long>();
    }

    /// <summary>The magnitude of <paramref name="sample"/>'s step <paramref name="step"/>.</summary>
    public double Magnitude(long sample, int step)
    {
        using var value = Magnitudes[sample, step];
        return value.item<double>();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Ops.Dispose();
        Magnitudes.Dispose();
    }
}
