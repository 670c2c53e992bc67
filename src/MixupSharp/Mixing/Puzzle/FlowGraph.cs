using System;
using System.Collections.Generic;

namespace MixupSharp.Mixing.Puzzle;

/// <summary>
/// A directed graph with real capacities and an s-t maximum flow by shortest augmenting paths (Edmonds–Karp). PuzzleMix's
/// graphs have at most 16 × 16 + 2 nodes and four neighbours per node, so this simple algorithm is fast enough and keeps
/// the library free of a native graph-cut dependency.
/// </summary>
internal sealed class FlowGraph
{
    // Capacities below this are treated as saturated: the flows are sums of doubles, so exact zeros cannot be relied on.
    private const double Saturated = 1e-12;
    private readonly List<int> _to = new();
    private readonly List<double> _residual = new();
    private readonly List<int>[] _edges;

    public FlowGraph(int nodes)
    {
        _edges = new List<int>[nodes];
        for (int i = 0; i < nodes; i++)
        {
            _edges[i] = new List<int>(6);
        }
    }

    public int Nodes => _edges.Length;

    /// <summary>Adds u → v with <paramref name="capacity"/> and v → u with <paramref name="reverseCapacity"/>.</summary>
    public void AddEdge(int u, int v, double capacity, double reverseCapacity = 0)
    {
        if (capacity < 0 || reverseCapacity < 0 || double.IsNaN(capacity) || double.IsNaN(reverseCapacity))
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), $"capacities must be non-negative; got {capacity} and {reverseCapacity}.");
        }

        _edges[u].Add(_to.Count);
        _to.Add(v);
        _residual.Add(capacity);
        _edges[v].Add(_to.Count);
        _to.Add(u);
        _residual.Add(reverseCapacity);
    }

    /// <summary>Pushes the maximum flow from <paramref name="source"/> to <paramref name="sink"/>; returns its value.</summary>
    public double MaxFlow(int source, int sink)
    {
        double total = 0;
        var via = new int[Nodes];
        var queue = new Queue<int>();
        while (true)
        {
            Array.Fill(via, -1);
            via[source] = -2;
            queue.Clear();
            queue.Enqueue(source);
            while (queue.Count > 0 && via[sink] == -1)
            {
                int u = queue.Dequeue();
                foreach (int e in _edges[u])
                {
                    int v = _to[e];
                    if (via[v] == -1 && _residual[e] > Saturated)
                    {
                        via[v] = e;
                        queue.Enqueue(v);
                    }
                }
            }

            if (via[sink] == -1)
            {
                return total;
            }

            double push = double.PositiveInfinity;
            for (int v = sink; v != source; v = _to[via[v] ^ 1])
            {
                push = Math.Min(push, _residual[via[v]]);
            }

            for (int v = sink; v != source; v = _to[via[v] ^ 1])
            {
                _residual[via[v]] -= push;
                _residual[via[v] ^ 1] += push;
            }

            total += push;
        }
    }

    /// <summary>After <see cref="MaxFlow"/>: which nodes the source still reaches (the source side of a minimum cut).</summary>
    public bool[] SourceSide(int source)
    {
        var seen = new bool[Nodes];
        var stack = new Stack<int>();
        seen[source] = true;
        stack.Push(source);
        while (stack.Count > 0)
        {
            int u = stack.Pop();
            foreach (int e in _edges[u])
            {
                int v = _to[e];
                if (!seen[v] && _residual[e] > Saturated)
                {
                    seen[v] = true;
                    stack.Push(v);
                }
            }
        }

        return seen;
    }
}
