using System;
using System.Linq;
using MixupSharp.Mixing.Puzzle;
using Xunit;
using Xunit.Abstractions;

namespace MixupSharp.Tests.Mixing.Puzzle;

/// <summary>PuzzleMix's labelling: exact where one minimum cut is exact (two labels), a swap-local minimum otherwise.</summary>
public sealed class GraphCutTests
{
    private readonly ITestOutputHelper _output;

    public GraphCutTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void WithTwoLabelsTheSwapFindsTheExhaustiveMinimum(int side)
    {
        var random = new Random(side);
        for (int trial = 0; trial < 300; trial++)
        {
            var energy = RandomEnergy(random, side, 2);
            double found = energy.Evaluate(AlphaBetaSwap.Minimize(energy));
            double best = Enumerate(energy).Min(l => energy.Evaluate(l));
            Assert.True(Math.Abs(found - best) <= 1e-6, $"trial {trial}: swap {found}, exhaustive {best}");
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void WithThreeLabelsNoSwapMoveImprovesTheLabelling(int side)
    {
        var random = new Random(10 + side);
        int global = 0, trials = 150;
        double worstGap = 0;
        for (int trial = 0; trial < trials; trial++)
        {
            var energy = RandomEnergy(random, side, 3);
            var labelling = AlphaBetaSwap.Minimize(energy);
            double e = energy.Evaluate(labelling);
            for (int a = 0; a < 3; a++)
            {
                for (int b = a + 1; b < 3; b++)
                {
                    // Every relabelling of the nodes holding a or b with a or b, enumerated: none is lower.
                    var movable = Enumerable.Range(0, labelling.Length).Where(p => labelling[p] == a || labelling[p] == b).ToArray();
                    for (int bits = 0; bits < 1 << movable.Length; bits++)
                    {
                        var moved = (int[])labelling.Clone();
                        for (int k = 0; k < movable.Length; k++)
                        {
                            moved[movable[k]] = (bits >> k & 1) == 1 ? b : a;
                        }

                        Assert.True(energy.Evaluate(moved) >= e - 1e-9, $"trial {trial}: a ({a}, {b}) swap lowers {e} to {energy.Evaluate(moved)}");
                    }
                }
            }

            double best = Enumerate(energy).Min(l => energy.Evaluate(l));
            global += e - best <= 1e-9 ? 1 : 0;
            worstGap = Math.Max(worstGap, e - best);
        }

        // Reported, not asserted: how often the local minimum is the global one here.
        _output.WriteLine($"{side}x{side}, 3 labels: global minimum in {global} of {trials}; largest gap {worstGap:G3}");
    }

    [Fact]
    public void ASwapMoveLeavesOtherLabelsAndOnlyLowersTheEnergy()
    {
        var random = new Random(5);
        var energy = RandomEnergy(random, 4, 3);
        var start = Enumerable.Range(0, 16).Select(_ => random.Next(3)).ToArray();
        var moved = AlphaBetaSwap.SwapMove(energy, start, 0, 2);
        for (int p = 0; p < 16; p++)
        {
            if (start[p] == 1)
            {
                Assert.Equal(1, moved[p]);
            }
            else
            {
                Assert.True(moved[p] is 0 or 2);
            }
        }

        Assert.True(energy.Evaluate(moved) <= energy.Evaluate(start) + 1e-12);
    }

    [Fact]
    public void TheEnergyIsTheSumOfItsTerms()
    {
        // 2 × 2 grid, 3 labels: D, one vertical and one horizontal weight per row/column, by hand.
        var unary = new double[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
        var energy = new PuzzleEnergy(2, 3, unary, new[] { 0.5, 0.25 }, new[] { 1.0, 2.0 });
        // Labels (0, 2 / 1, 1): unary 0 + 5 + 7 + 10 = 22; vertical (0,1) 0.5·1/4, (2,1) 0.25·1/4; horizontal (0,2) 1·4/4, (1,1) 0.
        Assert.Equal(22 + 0.125 + 0.0625 + 1.0, energy.Evaluate(new[] { 0, 2, 1, 1 }), 12);
        Assert.Equal(1.0, energy.MaskValue(0));
        Assert.Equal(0.5, energy.MaskValue(1));
        Assert.Equal(0.0, energy.MaskValue(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PuzzleEnergy(2, 3, unary, new[] { -0.1, 0.2 }, new[] { 1.0, 2.0 }));
        Assert.Throws<ArgumentException>(() => new PuzzleEnergy(2, 3, unary, new[] { 0.1 }, new[] { 1.0, 2.0 }));
    }

    private static PuzzleEnergy RandomEnergy(Random random, int side, int labels)
    {
        var unary = Enumerable.Range(0, side * side * labels).Select(_ => random.NextDouble()).ToArray();
        var vertical = Enumerable.Range(0, (side - 1) * side).Select(_ => random.NextDouble() * 0.6).ToArray();
        var horizontal = Enumerable.Range(0, side * (side - 1)).Select(_ => random.NextDouble() * 0.6).ToArray();
        return new PuzzleEnergy(side, labels, unary, vertical, horizontal);
    }

    private static System.Collections.Generic.IEnumerable<int[]> Enumerate(PuzzleEnergy energy)
    {
        int total = (int)Math.Pow(energy.Labels, energy.Nodes);
        for (int code = 0; code < total; code++)
        {
            var labelling = new int[energy.Nodes];
            int rest = code;
            for (int p = 0; p < energy.Nodes; p++)
            {
                labelling[p] = rest % energy.Labels;
                rest /= energy.Labels;
            }

            yield return labelling;
        }
    }
}
