using System;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// The result of a mixing operation: the mixed inputs, their soft targets and the parameters that produced them.
/// </summary>
/// <remarks>
/// A <see cref="MixedBatch"/> owns <see cref="Inputs"/> and <see cref="Targets"/>, and owns <see cref="Parameters"/>
/// only when it drew them itself (never parameters the caller passed in for replay). Dispose it when done, or let an
/// enclosing <c>torch.NewDisposeScope()</c> collect its tensors.
/// </remarks>
public sealed class MixedBatch : IDisposable
{
    private readonly bool _ownsParameters;

    /// <summary>Creates a batch that owns <paramref name="inputs"/> and <paramref name="targets"/>.</summary>
    /// <param name="inputs">The mixed inputs, same shape and dtype as the originals.</param>
    /// <param name="targets">[N, numClasses] soft labels (or [N, numClasses, ...] for dense labels).</param>
    /// <param name="parameters">The parameters that produced this batch.</param>
    /// <param name="ownsParameters">Whether disposing this batch disposes <paramref name="parameters"/>.</param>
    public MixedBatch(Tensor inputs, Tensor targets, MixParameters parameters, bool ownsParameters)
    {
        Inputs = inputs ?? throw new ArgumentNullException(nameof(inputs));
        Targets = targets ?? throw new ArgumentNullException(nameof(targets));
        Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        _ownsParameters = ownsParameters;
    }

    /// <summary>The mixed inputs: same shape, dtype and device as the inputs given.</summary>
    public Tensor Inputs { get; }

    /// <summary>Soft targets [N, numClasses]: float32, or float64 when the inputs are float64.</summary>
    public Tensor Targets { get; }

    /// <summary>The parameters that produced this batch; replay them with <c>Apply(inputs, labels, parameters)</c>.</summary>
    public MixParameters Parameters { get; }

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
