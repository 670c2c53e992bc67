using System;
using System.Linq;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Distortion;

/// <summary>The random draw of <see cref="RandomHorizontalFlip"/>: which samples are mirrored.</summary>
public sealed class FlipParameters : IDisposable
{
    /// <summary>Creates parameters; this object owns <paramref name="flipped"/> (bool [N]).</summary>
    public FlipParameters(Tensor flipped) => Flipped = flipped ?? throw new ArgumentNullException(nameof(flipped));

    /// <summary>Bool [N]: which samples are mirrored left to right.</summary>
    public Tensor Flipped { get; }

    /// <inheritdoc />
    public void Dispose() => Flipped.Dispose();
}

/// <summary>Mirrors each image left to right with a probability (default 0.5), batched; any dtype, any [N, ..., W] batch.</summary>
public sealed class RandomHorizontalFlip : InputAugmentation<FlipParameters>
{
    /// <summary>Creates a random horizontal flip.</summary>
    /// <param name="probability">The probability that a sample is flipped.</param>
    public RandomHorizontalFlip(double probability = 0.5)
    {
        Guard.Probability(probability, nameof(probability));
        Probability = probability;
    }

    /// <summary>The probability that a sample is flipped.</summary>
    public double Probability { get; }

    /// <inheritdoc />
    public override FlipParameters Sample(long[] inputShape, Generator? generator = null)
    {
        Guard.BatchShape(inputShape, nameof(inputShape), "a batch [N, ..., W] for RandomHorizontalFlip", minDims: 2);
        using var scope = torch.NewDisposeScope();
        var flipped = torch.rand(inputShape[0], dtype: ScalarType.Float64, generator: generator) < Probability;
        return new FlipParameters(flipped.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public override Tensor Transform(Tensor inputs, FlipParameters parameters)
    {
        Guard.NotNull(parameters, nameof(parameters));
        CheckInputs(inputs);
        long n = inputs.shape[0];
        if (parameters.Flipped.dtype != ScalarType.Bool || !parameters.Flipped.shape.SequenceEqual(new[] { n }))
        {
            throw new ArgumentException($"parameters.Flipped must be bool [{n}]; got {Guard.Describe(parameters.Flipped)}.", nameof(parameters));
        }

        // Only the flipped samples are read twice: a copy of the batch, then their mirror images written over their rows
        // (half the memory traffic of a where over a flipped copy of the whole batch; the same values).
        using var scope = torch.NewDisposeScope();
        var result = inputs.clone();
        var rows = parameters.Flipped.to(inputs.device).nonzero().flatten();
        if (rows.numel() > 0)
        {
            result.index_copy_(0, rows, inputs.index_select(0, rows).flip(inputs.shape.Length - 1));
        }

        return result.MoveToOuterDisposeScope();
    }

    private protected override void CheckInputs(Tensor inputs)
    {
        Guard.NotNull(inputs, nameof(inputs));
        Guard.BatchShape(inputs.shape, nameof(inputs), "a batch [N, ..., W] for RandomHorizontalFlip", minDims: 2);
    }
}
