using System;

namespace MixupSharp.Mixing.Puzzle;

/// <summary>
/// The labelling energy PuzzleMix minimizes on a <c>side × side</c> block grid (Kim et al., ICML 2020, eq. 3):
/// E(l) = Σ_p D_p(l_p) + Σ_{p~q} w_pq · (l_p − l_q)² / (L − 1)², with L labels. Label l gives the block the mask value
/// 1 − l / (L − 1): label 0 takes the sample's own block, label L − 1 its partner's. Nodes are numbered row-major
/// (p = row·side + column); a vertical edge joins (r, c) and (r + 1, c) and has weight index r·side + c, a horizontal
/// edge joins (r, c) and (r, c + 1) and has weight index r·(side − 1) + c.
/// </summary>
public sealed class PuzzleEnergy
{
    /// <summary>Creates the energy.</summary>
    /// <param name="side">The grid's side (at least 1).</param>
    /// <param name="labels">The number of labels L (at least 2).</param>
    /// <param name="unary">D_p(l) as <c>unary[p * labels + l]</c>, side² · L values.</param>
    /// <param name="vertical">w of the (side − 1) · side vertical edges, non-negative.</param>
    /// <param name="horizontal">w of the side · (side − 1) horizontal edges, non-negative.</param>
    public PuzzleEnergy(int side, int labels, double[] unary, double[] vertical, double[] horizontal)
    {
        ArgumentNullException.ThrowIfNull(unary);
        ArgumentNullException.ThrowIfNull(vertical);
        ArgumentNullException.ThrowIfNull(horizontal);
        if (side < 1 || labels < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(side), $"a puzzle grid needs side ≥ 1 and labels ≥ 2; got side {side}, labels {labels}.");
        }

        if (unary.Length != side * side * labels || vertical.Length != (side - 1) * side || horizontal.Length != side * (side - 1))
        {
            throw new ArgumentException($"a {side} × {side} grid with {labels} labels needs {side * side * labels} unary values and {(side - 1) * side} weights per direction; got {unary.Length}, {vertical.Length} and {horizontal.Length}.", nameof(unary));
        }

        foreach (double w in vertical)
        {
            CheckWeight(w);
        }

        foreach (double w in horizontal)
        {
            CheckWeight(w);
        }

        Side = side;
        Labels = labels;
        Unary = unary;
        Vertical = vertical;
        Horizontal = horizontal;
    }

    /// <summary>The grid's side.</summary>
    public int Side { get; }

    /// <summary>The number of labels L.</summary>
    public int Labels { get; }

    /// <summary>The number of nodes, side².</summary>
    public int Nodes => Side * Side;

    /// <summary>D_p(l) as <c>Unary[p * Labels + l]</c>.</summary>
    public double[] Unary { get; }

    /// <summary>The vertical edges' weights.</summary>
    public double[] Vertical { get; }

    /// <summary>The horizontal edges' weights.</summary>
    public double[] Horizontal { get; }

    /// <summary>The mask value of label <paramref name="label"/>: the weight of the sample's own block, 1 − l / (L − 1).</summary>
    public double MaskValue(int label) => 1.0 - ((double)label / (Labels - 1));

    /// <summary>The label distance (a − b)² / (L − 1)².</summary>
    public double Distance(int a, int b) => (double)(a - b) * (a - b) / ((double)(Labels - 1) * (Labels - 1));

    /// <summary>E(l) of a labelling of every node.</summary>
    public double Evaluate(int[] labelling)
    {
        ArgumentNullException.ThrowIfNull(labelling);
        if (labelling.Length != Nodes)
        {
            throw new ArgumentException($"a labelling of this grid has {Nodes} labels; got {labelling.Length}.", nameof(labelling));
        }

        double e = 0;
        for (int p = 0; p < Nodes; p++)
        {
            e += Unary[(p * Labels) + labelling[p]];
        }

        for (int r = 0; r < Side; r++)
        {
            for (int c = 0; c < Side; c++)
            {
                int p = (r * Side) + c;
                if (r + 1 < Side)
                {
                    e += Vertical[p] * Distance(labelling[p], labelling[p + Side]);
                }

                if (c + 1 < Side)
                {
                    e += Horizontal[(r * (Side - 1)) + c] * Distance(labelling[p], labelling[p + 1]);
                }
            }
        }

        return e;
    }

    /// <summary>Calls <paramref name="visit"/>(p, q, w) once for every edge of the grid.</summary>
    public void ForEachEdge(Action<int, int, double> visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        for (int r = 0; r < Side; r++)
        {
            for (int c = 0; c < Side; c++)
            {
                int p = (r * Side) + c;
                if (r + 1 < Side)
                {
                    visit(p, p + Side, Vertical[p]);
                }

                if (c + 1 < Side)
                {
                    visit(p, p + 1, Horizontal[(r * (Side - 1)) + c]);
                }
            }
        }
    }

    private static void CheckWeight(double w)
    {
        // Alpha-beta swap needs a semi-metric times a non-negative weight for its binary cuts to be graph-representable.
        if (!(w >= 0) || double.IsInfinity(w))
        {
            throw new ArgumentOutOfRangeException(nameof(w), $"pairwise weights must be finite and non-negative; got {w}.");
        }
    }
}
