using System;
using MixupSharp.Internal;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// The mixing ratio's draws, λ ~ Beta(α, α), from an injected generator, exactly as this library's mixers draw them:
/// for methods written outside it (the trainer's AutoMix, a user's own) that must replay to the byte with a seed.
/// </summary>
public static class LambdaDraws
{
    /// <summary>
    /// <paramref name="count"/> draws of λ ~ Beta(α, α) on the CPU, as PyTorch's <c>Beta</c> samples them (the first
    /// coordinate of Dirichlet(α, α)); α = 0 gives 1 (no mixing). TorchSharp's <c>distributions.Beta</c> is avoided on
    /// purpose: disposing it also disposes the generator it was given (TorchSharp 0.107), after which later draws would
    /// silently come from the global generator.
    /// </summary>
    /// <param name="alpha">α ≥ 0, finite.</param>
    /// <param name="count">How many draws (≥ 0).</param>
    /// <param name="generator">The generator the draws come from; null: the global one.</param>
    public static double[] Beta(double alpha, long count, Generator? generator)
    {
        Guard.Alpha(alpha, nameof(alpha));
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Draws.Beta(alpha, count, generator);
    }
}
