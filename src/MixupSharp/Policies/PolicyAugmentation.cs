using System;
using MixupSharp.Distortion;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Policies;

/// <summary>
/// What <see cref="RandAugment"/>, <see cref="TrivialAugmentWide"/> and <see cref="AutoAugment"/> share: the input
/// checks and the replay of a <see cref="PolicyParameters"/> draw by grouping samples per operation.
/// </summary>
/// <remarks>Data convention: floating images [N, C, H, W], C = 1 or 3, in [0, 1] before normalization.</remarks>
public abstract class PolicyAugmentation : InputAugmentation<PolicyParameters>
{
    private protected PolicyAugmentation(Interpolation interpolation)
    {
        Guard.Enum(interpolation, "Interpolation");
        Interpolation = interpolation;
    }

    /// <summary>How shear, translate and rotate read between pixels.</summary>
    public Interpolation Interpolation { get; }

    /// <inheritdoc />
    public override Tensor Transform(Tensor inputs, PolicyParameters parameters)
    {
        Guard.NotNull(parameters, nameof(parameters));
        CheckInputs(inputs);
        var (ops, magnitudes) = PolicyChain.Read(parameters.Ops, parameters.Magnitudes, inputs.shape[0], nameof(parameters));
        return PolicyChain.Apply(inputs, ops, magnitudes, parameters.Steps, Interpolation);
    }

    private protected override void CheckInputs(Tensor inputs) => ImageOps.CheckImages(inputs, nameof(inputs), GetType().Name);

    /// <summary>Checks a shape given to <c>Sample</c> as the inputs would be checked.</summary>
    private protected void CheckShape(long[] inputShape) => ImageOps.CheckShape(inputShape, nameof(inputShape), GetType().Name);

    /// <summary>Wraps row-major arrays as parameters.</summary>
    private protected static PolicyParameters Parameters(long[] ops, double[] magnitudes, long n, int steps) => new(
        torch.tensor(ops, new[] { n, (long)steps }, dtype: ScalarType.Int64),
        torch.tensor(magnitudes, new[] { n, (long)steps }, dtype: ScalarType.Float64));
}
