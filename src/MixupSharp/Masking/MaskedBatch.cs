using System;
using static TorchSharp.torch;

namespace MixupSharp.Masking;

/// <summary>The result of a masking operation: the masked inputs and the parameters that produced them.</summary>
/// <remarks>Owns <see cref="Inputs"/>, and <see cref="Parameters"/> only when it drew them itself.</remarks>
public sealed class MaskedBatch : IDisposable
{
    private readonly bool _ownsParameters;

    /// <summary>Creates a result that owns <paramref name="inputs"/>.</summary>
    public MaskedBatch(Tensor inputs, MaskParameters parameters, bool ownsParameters)
    {
        Inputs = inputs ?? throw new ArgumentNullException(nameof(inputs));
        Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        _ownsParameters = ownsParameters;
    }

    /// <summary>The masked inputs: same shape, dtype and device as the inputs given.</summary>
    public Tensor Inputs { get; }

    /// <summary>The parameters that produced this batch; replay them with <c>Apply(inputs, parameters)</c>.</summary>
    public MaskParameters Parameters { get; }

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
