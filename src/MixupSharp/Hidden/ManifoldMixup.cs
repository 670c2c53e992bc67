using System;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Hidden;

/// <summary>
/// Manifold Mixup (Verma et al., "Manifold Mixup: Better Representations by Interpolating Hidden States", ICML 2019,
/// arXiv:1806.05236): per batch, a mixable point k is drawn uniformly among the model's points, λ ~ Beta(α, α) and a
/// random partner permutation; the hidden states at k and the soft targets are mixed as λ·h_i + (1 − λ)·h_partner(i).
/// </summary>
/// <remarks>
/// The op knows nothing about models: <see cref="Sample"/> draws the point among <c>mixablePoints</c>, the caller runs its
/// model up to that point, <see cref="Apply(Tensor, Tensor, ManifoldMixupParameters)"/> mixes, and the caller runs the
/// rest. Point 0 (the input) makes it plain input Mixup with one λ per batch.
/// </remarks>
public sealed class ManifoldMixup
{
    /// <summary>Creates the op.</summary>
    /// <param name="alpha">α of Beta(α, α); 0 gives λ = 1 (no mixing).</param>
    public ManifoldMixup(double alpha = 2.0)
    {
        Guard.Alpha(alpha, nameof(alpha));
        Alpha = alpha;
    }

    /// <summary>α of the Beta(α, α) draw of λ.</summary>
    public double Alpha { get; }

    /// <summary>Draws the point, λ and the partners for a batch of <paramref name="batchSize"/> samples, in that order.</summary>
    /// <param name="batchSize">N, at least 1.</param>
    /// <param name="mixablePoints">How many points the model has (at least 1); the point is drawn uniformly among them.</param>
    /// <param name="generator">The source of randomness (null: TorchSharp's default generator).</param>
    public ManifoldMixupParameters Sample(long batchSize, int mixablePoints, Generator? generator = null)
    {
        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize must be ≥ 1; got {batchSize}.");
        }

        if (mixablePoints < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(mixablePoints), mixablePoints, $"mixablePoints must be ≥ 1; got {mixablePoints}.");
        }

        int point = (int)Math.Min(mixablePoints - 1, Math.Floor(Draws.Uniform(1, generator)[0] * mixablePoints));
        double lambda = Draws.Beta(Alpha, 1, generator)[0];
        return new ManifoldMixupParameters(point, lambda, torch.tensor(Draws.Permutation(batchSize, generator)));
    }

    /// <summary>Mixes hidden states and soft targets with given parameters; returns new tensors on the states' device.</summary>
    /// <param name="hidden">[N, ...] floating hidden states at <see cref="ManifoldMixupParameters.Point"/>.</param>
    /// <param name="targets">[N, classes] soft targets.</param>
    /// <param name="parameters">The draw to apply.</param>
    public (Tensor Hidden, Tensor Targets) Apply(Tensor hidden, Tensor targets, ManifoldMixupParameters parameters)
    {
        Guard.NotNull(hidden, nameof(hidden));
        Guard.NotNull(targets, nameof(targets));
        Guard.NotNull(parameters, nameof(parameters));
        Guard.BatchShape(hidden.shape, nameof(hidden), "hidden states [N, ...]");
        if (!Guard.IsFloating(hidden.dtype))
        {
            throw new ArgumentException($"hidden must be floating; got {Guard.Describe(hidden)}.", nameof(hidden));
        }

        if (targets.shape.Length != 2 || targets.shape[0] != hidden.shape[0])
        {
            throw new ArgumentException($"targets must be soft targets [{hidden.shape[0]}, classes]; got {Guard.Shape(targets.shape)}.", nameof(targets));
        }

        if (parameters.Partner.shape.Length != 1 || parameters.Partner.shape[0] != hidden.shape[0])
        {
            throw new ArgumentException($"parameters are for a batch of {Guard.Shape(parameters.Partner.shape)}; hidden has {hidden.shape[0]} samples.", nameof(parameters));
        }

        using var scope = torch.NewDisposeScope();
        double lambda = parameters.Lambda;
        var partner = parameters.Partner.to(hidden.device);
        var mixed = (hidden * lambda) + (hidden.index_select(0, partner) * (1 - lambda));
        var mixedTargets = (targets * lambda) + (targets.index_select(0, partner.to(targets.device)) * (1 - lambda));
        return (mixed.MoveToOuterDisposeScope(), mixedTargets.MoveToOuterDisposeScope());
    }
}
