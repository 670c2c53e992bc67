using System.Collections.Generic;

namespace MixupSharp.Mixing;

/// <summary>
/// Options of <see cref="PuzzleMix"/>. The defaults are OpenMixup's CIFAR setting (<c>block_num=5, beta=1.2, gamma=0.5,
/// eta=0.2, neigh_size=4, n_labels=3, t_eps=0.8, t_size=4</c>, transport on), α = 1 as the paper's CIFAR runs.
/// Immutable; validated by <see cref="PuzzleMix"/>'s constructor.
/// </summary>
public sealed record PuzzleMixOptions
{
    /// <summary>α of λ ~ Beta(α, α), the prior on the share of the sample's own blocks (one draw per batch). Default 1.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>
    /// The grid sides to draw from, uniformly per batch; each must divide the image side. Null (default): the divisors of
    /// the image side from 2 to 16, which is the reference's 2^randint(1, 5) = {2, 4, 8, 16} on 32-pixel images and
    /// {2, 4, 7, 14} on 28-pixel ones.
    /// </summary>
    public IReadOnlyList<int>? BlockSides { get; init; }

    /// <summary>β, the label smoothness (divided by side·16 as the reference does). Default 1.2.</summary>
    public double Beta { get; init; } = 1.2;

    /// <summary>γ, the weight of the data smoothness between neighbouring blocks. Default 0.5.</summary>
    public double Gamma { get; init; } = 0.5;

    /// <summary>η, the weight of the prior from λ. Default 0.2.</summary>
    public double Eta { get; init; } = 0.2;

    /// <summary>The number of mask values L (1, then steps of 1/(L − 1) down to 0). Default 3: 1, ½, 0.</summary>
    public int Labels { get; init; } = 3;

    /// <summary>
    /// The largest pooling size of the data-smoothness term. A block of side b uses the largest divisor of b not above it
    /// (the reference's min(neigh_size, b) wherever that divides b, as on 32-pixel images). Default 4.
    /// </summary>
    public int NeighborhoodSize { get; init; } = 4;

    /// <summary>Whether blocks are moved within each image to keep more saliency. Default true.</summary>
    public bool Transport { get; init; } = true;

    /// <summary>ε, the weight of the distance a block moves (the reference's <c>t_eps</c>). Default 0.8.</summary>
    public double TransportEps { get; init; } = 0.8;

    /// <summary>
    /// The largest transport block side. A mask block of side b is transported in pieces of the largest divisor of b
    /// from 2 to this size, or whole where there is none (b = 7). Default 4.
    /// </summary>
    public int TransportSize { get; init; } = 4;

    /// <summary>Label smoothing ε folded into index labels before mixing. Default 0.</summary>
    public double LabelSmoothing { get; init; }
}
