using System;
using MixupSharp.Internal;
using static TorchSharp.torch;

namespace MixupSharp;

/// <summary>
/// An augmentation that changes inputs only, in two halves: <see cref="Sample"/> draws typed parameters from a
/// generator, and <see cref="Transform"/> applies given parameters deterministically (same arguments, same bytes).
/// </summary>
/// <typeparam name="TParameters">The op's parameter type.</typeparam>
public abstract class InputAugmentation<TParameters>
    where TParameters : IDisposable
{
    /// <summary>Draws the random parameters for a batch of shape <paramref name="inputShape"/>; nothing else.</summary>
    /// <param name="inputShape">The batch shape, e.g. [N, C, H, W].</param>
    /// <param name="generator">The random source; TorchSharp's default generator when null.</param>
    /// <returns>Parameters on the CPU that the caller owns.</returns>
    public abstract TParameters Sample(long[] inputShape, Generator? generator = null);

    /// <summary>Applies given parameters to a batch: pure and deterministic; the caller's tensor is not modified.</summary>
    /// <param name="inputs">The batch.</param>
    /// <param name="parameters">Parameters from <see cref="Sample"/> (or built by hand).</param>
    /// <returns>A new tensor on the inputs' device.</returns>
    public abstract Tensor Transform(Tensor inputs, TParameters parameters);

    /// <summary>Samples parameters for the batch, then applies them.</summary>
    /// <param name="inputs">The batch.</param>
    /// <param name="generator">The random source; TorchSharp's default generator when null.</param>
    /// <returns>A new batch that owns its tensor and its parameters.</returns>
    public AugmentedBatch<TParameters> Apply(Tensor inputs, Generator? generator = null)
    {
        Guard.NotNull(inputs, nameof(inputs));
        CheckInputs(inputs);
        var parameters = Sample(inputs.shape, generator);
        try
        {
            return new AugmentedBatch<TParameters>(Transform(inputs, parameters), parameters, ownsParameters: true);
        }
        catch
        {
            parameters.Dispose();
            throw;
        }
    }

    /// <summary>Applies given parameters: a deterministic replay. The result does not own <paramref name="parameters"/>.</summary>
    public AugmentedBatch<TParameters> Apply(Tensor inputs, TParameters parameters) =>
        new(Transform(inputs, parameters), parameters, ownsParameters: false);

    /// <summary>Checks the inputs before anything is drawn, so a bad batch costs no randomness.</summary>
    private protected abstract void CheckInputs(Tensor inputs);
}
