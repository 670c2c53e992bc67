using System;
using static TorchSharp.torch;

namespace MixupSharp.Detection;

/// <summary>The draw of <see cref="DetectionMixup"/>: each image's λ and partner.</summary>
public sealed class DetectionMixupParameters : IDisposable
{
    /// <summary>Creates parameters that this object owns.</summary>
    /// <param name="lambda">[N] float64: the weight of each image (1 where it is not mixed).</param>
    /// <param name="partner">[N] int64.</param>
    public DetectionMixupParameters(Tensor lambda, Tensor partner)
    {
        Lambda = lambda ?? throw new ArgumentNullException(nameof(lambda));
        Partner = partner ?? throw new ArgumentNullException(nameof(partner));
    }

    /// <summary>[N] float64: each image's own weight.</summary>
    public Tensor Lambda { get; }

    /// <summary>[N] int64: each image's partner (itself where not mixed).</summary>
    public Tensor Partner { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Lambda.Dispose();
        Partner.Dispose();
    }
}
