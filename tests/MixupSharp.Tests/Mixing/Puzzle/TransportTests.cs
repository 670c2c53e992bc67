using System;
using System.Linq;
using MixupSharp.Mixing.Puzzle;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Mixing.Puzzle;

/// <summary>PuzzleMix's transport: the reference's greedy algorithm, never worse than no transport, its gap to the exact optimum reported.</summary>
public sealed class TransportTests
{
    private readonly ITestOutputHelper _output;

    public TransportTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(8)]
    public void ThePlanIsAPartialMatchingNeverWorseThanNoTransportAndItsGapToTheOptimumIsReported(int side)
    {
        using var scope = torch.NewDisposeScope();
        using var g = new Generator((ulong)side);
        const int n = 64;
        int blocks = side * side;
        // Masks of PuzzleMix's values {0, 1/2, 1}; saliency normalized per sample, as the op passes it.
        var mask = torch.randint(0, 3, new long[] { n, side, side }, generator: g).to_type(ScalarType.Float32) / 2;
        var raw = torch.rand(new long[] { n, side, side }, generator: g).pow(3);
        var saliency = raw / raw.sum(new long[] { 1, 2 }, keepdim: true);
        const double eps = 0.8;
        var plan = BlockTransport.Plan(mask, saliency, eps);

        Assert.True(plan.sum(-1).le(1).all().item<bool>(), "a block goes to at most one place");
        Assert.True(plan.sum(-2).le(1).all().item<bool>(), "a place receives at most one block");

        var greedy = BlockTransport.Objective(plan, mask, saliency, eps).data<double>().ToArray();
        var identity = BlockTransport.Objective(torch.eye(blocks).expand(n, blocks, blocks), mask, saliency, eps).data<double>().ToArray();
        for (int i = 0; i < n; i++)
        {
            Assert.True(greedy[i] >= identity[i] - 1e-6, $"sample {i}: transport {greedy[i]} below no transport {identity[i]}");
        }

        // Reported: the exact optimum over partial matchings (Hungarian algorithm on the gains, negative ones left unmatched).
        var s = saliency.to_type(ScalarType.Float64).reshape(n, blocks).data<double>().ToArray();
        var z = mask.gt(0).to_type(ScalarType.Float64).reshape(n, blocks).data<double>().ToArray();
        var c = BlockTransport.CostMatrix(side).to_type(ScalarType.Float64).data<double>().ToArray();
        double gapSum = 0, gapMax = 0, exactSum = 0;
        int optimal = 0;
        for (int k = 0; k < n; k++)
        {
            var gain = new double[blocks, blocks];
            for (int i = 0; i < blocks; i++)
            {
                for (int j = 0; j < blocks; j++)
                {
                    gain[i, j] = Math.Max(0, (s[(k * blocks) + i] * z[(k * blocks) + j]) - (eps * c[(i * blocks) + j]));
                }
            }

            double exact = Hungarian.MaxWeight(gain);
            Assert.True(exact >= greedy[k] - 1e-6, $"sample {k}: the greedy plan {greedy[k]} beats the exact optimum {exact}");
            gapSum += exact - greedy[k];
            gapMax = Math.Max(gapMax, exact - greedy[k]);
            exactSum += exact;
            optimal += exact - greedy[k] <= 1e-9 ? 1 : 0;
        }

        int kept = (int)plan.eq(torch.eye(blocks).expand(n, blocks, blocks)).all(-1).all(-1).sum().item<long>();
        _output.WriteLine($"side {side}: {kept} of {n} samples keep their blocks in place; transport optimal in {optimal} of {n}; mean gap {gapSum / n:G3} (optimum's mean {exactSum / n:G3}), largest {gapMax:G3}");
    }

    [Fact]
    public void ABlockMovesToWhereTheMaskKeepsItWhenTheMoveIsCheapEnough()
    {
        using var scope = torch.NewDisposeScope();
        // 2 × 2: all saliency in block 0, the mask keeps only block 1 (its neighbour); ε small: block 0 moves to 1.
        var mask = torch.tensor(new float[] { 0, 1, 0, 0 }).reshape(1, 2, 2);
        var saliency = torch.tensor(new float[] { 1, 0, 0, 0 }).reshape(1, 2, 2);
        var sources = BlockTransport.Sources(BlockTransport.Plan(mask, saliency, 0.1)).data<long>().ToArray();
        Assert.Equal(0, sources[1]);
        // ε large: moving costs more than the saliency gained; the block stays.
        var stay = BlockTransport.Sources(BlockTransport.Plan(mask, saliency, 10)).data<long>().ToArray();
        Assert.NotEqual(0, stay[1]);
    }

    [Fact]
    public void TheCostMatrixIsTheScaledSquaredGridDistance()
    {
        using var c = BlockTransport.CostMatrix(3);
        Assert.Equal(new long[] { 9, 9 }, c.shape);
        Assert.Equal(0f, c[4, 4].item<float>());
        Assert.Equal(2f / 4f, c[0, 4].item<float>());      // (1, 1) away over (3 − 1)²
        Assert.Equal(8f / 4f, c[0, 8].item<float>());
    }
}

/// <summary>The Hungarian algorithm (Kuhn–Munkres with potentials, O(n³)) for a maximum-weight assignment.</summary>
internal static class Hungarian
{
    public static double MaxWeight(double[,] weight)
    {
        int n = weight.GetLength(0);
        // Minimize the negated weights; u, v potentials, p[j] the row matched to column j (1-based, 0 = none).
        var u = new double[n + 1];
        var v = new double[n + 1];
        var p = new int[n + 1];
        var way = new int[n + 1];
        for (int i = 1; i <= n; i++)
        {
            p[0] = i;
            int j0 = 0;
            var minv = Enumerable.Repeat(double.PositiveInfinity, n + 1).ToArray();
            var used = new bool[n + 1];
            do
            {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= n; j++)
                {
                    if (!used[j])
                    {
                        double cur = -weight[i0 - 1, j - 1] - u[i0] - v[j];
                        if (cur < minv[j])
                        {
                            minv[j] = cur;
                            way[j] = j0;
                        }

                        if (minv[j] < delta)
                        {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }

                for (int j = 0; j <= n; j++)
                {
                    if (used[j])
                    {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    }
                    else
                    {
                        minv[j] -= delta;
                    }
                }

                j0 = j1;
            }
            while (p[j0] != 0);

            do
            {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            }
            while (j0 != 0);
        }

        double total = 0;
        for (int j = 1; j <= n; j++)
        {
            total += weight[p[j] - 1, j - 1];
        }

        return total;
    }
}
