using System;
using static TorchSharp.torch;

namespace MixupSharp;

/// <summary>
/// The result of an augmentation that changes inputs but not targets (masking, distortion): the new inputs and the
/// typed parameters that produced them. Ops that change targets return <see cref="Mixing.MixedBatch"/>.
/// </summary>
/// <typeparam name="TParameters">The op's parameter type, e.g. <see cref="Masking.MaskParameters"/>.</typeparam>
/// <remarks>Owns <see cref="Inputs"/>, and <see cref="Parameters"/> only when it drew them itself.</remarks>
public sealed class AugmentedBatch<TParameters> : IDisposable
    where TParameters : IDisposable
{
    private readonly bool _ownsParameters;

    /// <summary>Creates a result that owns <paramref name="inputs"/> (and <paramref name="parameters"/> when <paramref name="ownsParameters"/>).</summary>
    public AugmentedBatch(Tensor inputs, TParameters parameters, bool ownsParameters)
    {
        Inputs = inputs ?? throw new ArgumentNullException(nameof(inputs));
        Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        _ownsParameters = ownsParameters;
    }

    /// <summary>The new inputs: same dtype and device as the inputs given.</summary>
    public Tensor Inputs { get; }

    /// <summary>The parameters that produced this batch; replay them with the op's <c>Apply(inputs, parameters)</c>.</summary>
    public TParameters Parameters { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Inputs.Dispose();
        if (_ownsParameters)
        {
            Parameters.Dispose();
        }
    }
}
