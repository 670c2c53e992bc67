using System;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Hidden;

/// <summary>
/// The random draw of one <see cref="ManifoldMixup"/> step: where hidden states are mixed, by how much, and with whom.
/// Replaying it with <see cref="ManifoldMixup.Apply(Tensor, Tensor, ManifoldMixupParameters)"/> gives the same bytes.
/// </summary>
/// <remarks>Pairing convention: sample <c>i</c> is mixed with sample <c>Partner[i]</c>; one λ for the whole batch.</remarks>
public sealed class ManifoldMixupParameters : IDisposable
{
    /// <summary>Creates parameters; the object owns <paramref name="partner"/>.</summary>
    /// <param name="point">The mixable point (0: the input; k: the input of the model's stage k).</param>
    /// <param name="lambda">The weight of each sample's own hidden state and target, in [0, 1].</param>
    /// <param name="partner">[N] int64: each sample's partner.</param>
    public ManifoldMixupParameters(int point, double lambda, Tensor partner)
    {
        if (point < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(point), point, $"point must be ≥ 0; got {point}.");
        }

        if (!(lambda >= 0 && lambda <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, $"lambda must be in [0, 1]; got {lambda}.");
        }

        Point = point;
        Lambda = lambda;
        Partner = partner ?? throw new ArgumentNullException(nameof(partner));
    }

    /// <summary>The mixable point: 0 is the input, k the input of stage k.</summary>
    public int Point { get; }

    /// <summary>The weight of each sample's own hidden state and target.</summary>
    public double Lambda { get; }

    /// <summary>[N] int64 on the CPU: the partner of each sample.</summary>
    public Tensor Partner { get; }

    /// <summary>The partners as a managed array.</summary>
    public long[] PartnerValues() => Partner.data<long>().ToArray();

    /// <inheritdoc />
    public void Dispose() => Partner.Dispose();
}
