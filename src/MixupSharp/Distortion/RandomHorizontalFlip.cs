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

        using var scope = torch.NewDisposeScope();
        var shape = Enumerable.Repeat(1L, inputs.shape.Length).ToArray();
        shape[0] = n;
        var flip = parameters.Flipped.to(inputs.device).reshape(shape);
        return torch.where(flip, inputs.flip(inputs.shape.Length - 1), inputs).MoveToOuterDisposeScope();
    }

    private protected override void CheckInputs(Tensor inputs)
    {
        Guard.NotNull(inputs, nameof(inputs));
        Guard.BatchShape(inputs.shape, nameof(inputs), "a batch [N, ..., W] for RandomHorizontalFlip", minDims: 2);
    }
}
