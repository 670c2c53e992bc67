using System;
using System.Collections.Generic;
using System.Linq;

namespace MixupSharp.Mixing.Puzzle;

/// <summary>
/// Alpha-beta swap (Boykov, Veksler and Zabih, "Fast Approximate Energy Minimization via Graph Cuts", PAMI 2001): for
/// every pair of labels, the nodes holding either may exchange them by one binary minimum cut; passes repeat until no
/// swap lowers the energy. With two labels one swap is the exact minimum; with more it is a local minimum that no swap
/// move improves. This is the algorithm PuzzleMix's reference calls in gco (<c>algorithm='swap'</c>).
/// </summary>
public static class AlphaBetaSwap
{
    // A swap must lower the energy by more than rounding to count: otherwise equal-energy moves could cycle.
    private const double Improvement = 1e-12;

    /// <summary>A labelling no swap move improves, starting from each node's cheapest label.</summary>
    public static int[] Minimize(PuzzleEnergy energy)
    {
        ArgumentNullException.ThrowIfNull(energy);
        var labelling = new int[energy.Nodes];
        for (int p = 0; p < energy.Nodes; p++)
        {
            int best = 0;
            for (int l = 1; l < energy.Labels; l++)
            {
                if (energy.Unary[(p * energy.Labels) + l] < energy.Unary[(p * energy.Labels) + best])
                {
                    best = l;
                }
            }

            labelling[p] = best;
        }

        double current = energy.Evaluate(labelling);
        bool improved = true;
        for (int pass = 0; improved && pass < 100; pass++)
        {
            improved = false;
            for (int a = 0; a < energy.Labels; a++)
            {
                for (int b = a + 1; b < energy.Labels; b++)
                {
                    var moved = SwapMove(energy, labelling, a, b);
                    double e = energy.Evaluate(moved);
                    if (e < current - Improvement)
                    {
                        labelling = moved;
                        current = e;
                        improved = true;
                    }
                }
            }
        }

        return labelling;
    }

    /// <summary>
    /// The best alpha-beta swap from <paramref name="labelling"/>: the nodes labelled <paramref name="alpha"/> or
    /// <paramref name="beta"/> are relabelled with either by one minimum cut; other nodes keep their labels.
    /// </summary>
    public static int[] SwapMove(PuzzleEnergy energy, int[] labelling, int alpha, int beta)
    {
        ArgumentNullException.ThrowIfNull(energy);
        ArgumentNullException.ThrowIfNull(labelling);
        var result = (int[])labelling.Clone();
        var index = new Dictionary<int, int>();
        for (int p = 0; p < labelling.Length; p++)
        {
            if (labelling[p] == alpha || labelling[p] == beta)
            {
                index[p] = index.Count;
            }
        }

        if (index.Count == 0)
        {
            return result;
        }

        // Node i of the cut: source side = alpha, sink side = beta. Its terminal costs are its unary costs plus the
        // pairwise costs toward neighbours outside the move, whose labels are fixed.
        int n = index.Count, source = n, sink = n + 1;
        var costAlpha = new double[n];
        var costBeta = new double[n];
        foreach (var (p, i) in index)
        {
            costAlpha[i] = energy.Unary[(p * energy.Labels) + alpha];
            costBeta[i] = energy.Unary[(p * energy.Labels) + beta];
        }

        var graph = new FlowGraph(n + 2);
        double between = energy.Distance(alpha, beta);
        energy.ForEachEdge((p, q, w) =>
        {
            bool pIn = index.TryGetValue(p, out int i), qIn = index.TryGetValue(q, out int j);
            if (pIn && qIn)
            {
                graph.AddEdge(i, j, w * between, w * between);
            }
            else if (pIn)
            {
                costAlpha[i] += w * energy.Distance(alpha, labelling[q]);
                costBeta[i] += w * energy.Distance(beta, labelling[q]);
            }
            else if (qIn)
            {
                costAlpha[j] += w * energy.Distance(alpha, labelling[p]);
                costBeta[j] += w * energy.Distance(beta, labelling[p]);
            }
        });

        for (int i = 0; i < n; i++)
        {
            // Only the difference of the two costs matters; shifting by their minimum keeps both capacities non-negative.
            double floor = Math.Min(costAlpha[i], costBeta[i]);
            graph.AddEdge(source, i, costBeta[i] - floor);   // cut when i ends on the sink side, i.e. takes beta
            graph.AddEdge(i, sink, costAlpha[i] - floor);    // cut when i stays on the source side, i.e. takes alpha
        }

        graph.MaxFlow(source, sink);
        var sourceSide = graph.SourceSide(source);
        foreach (var (p, i) in index.Select(kv => (kv.Key, kv.Value)))
        {
            result[p] = sourceSide[i] ? alpha : beta;
        }

        return result;
    }
}
