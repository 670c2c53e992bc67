namespace MixupSharp.Mixing;

/// <summary>
/// Options of <see cref="GridMix"/>. The grid sizes are OpenMixup's range (its <c>n_holes</c>, 2 to 6). The cell
/// probability 0.5 is ours: OpenMixup parametrizes GridMix differently (holes of side √(1 − λ) of each cell, λ ~ Beta).
/// </summary>
public sealed record GridMixOptions
{
    /// <summary>The grid is n × n cells, n drawn uniformly from this inclusive range per sample.</summary>
    public (int Min, int Max) GridSizes { get; init; } = (2, 6);

    /// <summary>The probability that a cell is taken from the partner.</summary>
    public double CellProbability { get; init; } = 0.5;

    /// <summary>The probability that a sample is mixed at all.</summary>
    public double Probability { get; init; } = 1.0;

    /// <summary>Label smoothing ε folded into index labels.</summary>
    public double LabelSmoothing { get; init; }
}
