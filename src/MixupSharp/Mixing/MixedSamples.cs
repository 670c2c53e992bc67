using System;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>The result of a <see cref="SampleMixer{TParameters}"/>: mixed inputs, soft targets, and the draw that made them.</summary>
/// <typeparam name="TParameters">The draw's type.</typeparam>
public sealed class MixedSamples<TParameters> : IDisposable
    where TParameters : class, IMixDraw
{
    private readonly bool _ownsParameters;

    /// <summary>Creates a result that owns <paramref name="inputs"/> and <paramref name="targets"/> (and the parameters when <paramref name="ownsParameters"/>).</summary>
    public MixedSamples(Tensor inputs, Tensor targets, TParameters parameters, bool ownsParameters)
    {
        Inputs = inputs ?? throw new ArgumentNullException(nameof(inputs));
        Targets = targets ?? throw new ArgumentNullException(nameof(targets));
        Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        _ownsParameters = ownsParameters;
    }

    /// <summary>The mixed batch, shaped like the input.</summary>
    public Tensor Inputs { get; }

    /// <summary>Soft targets [N, classes].</summary>
    public Tensor Targets { get; }

    /// <summary>The draw (replay it with <c>Apply(inputs, labels, parameters)</c>).</summary>
    public TParameters Parameters { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Inputs.Dispose();
        Targets.Dispose();
        if (_ownsParameters)
        {
            Parameters.Dispose();
        }
    }
}
