using MixupSharp.Internal;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// The common shape of MixupSharp's mixers (<see cref="Mixup"/>, <see cref="CutMix"/>, <see cref="MixupOrCutMix"/>):
/// sample typed parameters from a generator, then apply them deterministically. The caller's tensors are never
/// modified; results are new tensors on the inputs' device.
/// </summary>
public abstract class BatchMixer
{
    private protected BatchMixer(int numClasses)
    {
        Guard.NumClasses(numClasses);
        NumClasses = numClasses;
    }

    /// <summary>The number of classes of the targets.</summary>
    public int NumClasses { get; }

    private protected abstract MixEngine Engine { get; }

    /// <summary>Draws the random parameters (partners, λ, and for CutMix boxes) for a batch of shape <paramref name="inputShape"/>; nothing else.</summary>
    /// <param name="inputShape">The batch shape: [N, ...] for Mixup, [N, C, H, W] when boxes may be cut.</param>
    /// <param name="generator">The random source; TorchSharp's default generator when null.</param>
    /// <returns>Parameters on the CPU that the caller owns.</returns>
    /// <exception cref="System.ArgumentException">The shape does not suit this mixer.</exception>
    public MixParameters Sample(long[] inputShape, Generator? generator = null) => Engine.Sample(inputShape, generator);

    /// <summary>Samples parameters, then applies them.</summary>
    /// <param name="inputs">The batch [N, ...].</param>
    /// <param name="labels">Class indices [N] (integer) or probabilities [N, numClasses] (floating).</param>
    /// <param name="generator">The random source; TorchSharp's default generator when null.</param>
    /// <returns>A new batch that owns its tensors and its parameters.</returns>
    /// <exception cref="System.ArgumentException">The inputs or labels do not suit this mixer; the message names shapes and dtypes.</exception>
    public MixedBatch Apply(Tensor inputs, Tensor labels, Generator? generator = null) => Engine.SampleAndApply(inputs, labels, generator);

    /// <summary>Applies given parameters: a deterministic replay (same arguments, same bytes).</summary>
    /// <param name="inputs">The batch [N, ...].</param>
    /// <param name="labels">Class indices [N] (integer) or probabilities [N, numClasses] (floating).</param>
    /// <param name="parameters">Parameters from <see cref="Sample"/> (or built by hand); not owned by the result.</param>
    /// <exception cref="System.ArgumentException">The parameters do not match the batch or this mixer.</exception>
    public MixedBatch Apply(Tensor inputs, Tensor labels, MixParameters parameters) => Engine.Apply(inputs, labels, parameters, ownsParameters: false);
}
