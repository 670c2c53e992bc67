using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Mixing.Puzzle;

/// <summary>
/// PuzzleMix's transport of blocks within an image (Kim et al., ICML 2020, section 3.2), by the reference's greedy
/// iterative algorithm (OpenMixup's <c>mask_transport</c>): with cost[i, j] = ε·C[i, j] − s_i·z_j, where s is the
/// block saliency, z_j = 1 where the destination's mask value is above 0 and C the squared grid distance over
/// (side − 1)², every source block picks its cheapest destination, each destination keeps the cheapest claimant, the
/// losers' costs at the destination they lost rise by 1, and this repeats side times. The last round's winners are the
/// plan; a destination nobody won receives no block (zeros), as in the reference. Where that plan scores below no
/// transport (the reference does not check; on random masks it happens in about half of the samples, see
/// TransportTests), the sample keeps its blocks in place. Per sample on the CPU, like the labelling: each round
/// re-searches only the losers' rows, where the reference's batched version recomputes the whole cost tensor.
/// </summary>
public static class BlockTransport
{
    /// <summary>C[i, j] = ((r_i − r_j)² + (c_i − c_j)²) / (side − 1)² on a side × side grid, float32 [side², side²].</summary>
    public static Tensor CostMatrix(int side)
    {
        if (side < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(side), $"a transport grid has a side of at least 2; got {side}.");
        }

        int blocks = side * side;
        var c = new float[blocks * blocks];
        for (int i = 0; i < blocks; i++)
        {
            for (int j = 0; j < blocks; j++)
            {
                int dr = (i / side) - (j / side), dc = (i % side) - (j % side);
                c[(i * blocks) + j] = (float)(((dr * dr) + (dc * dc)) / ((side - 1.0) * (side - 1.0)));
            }
        }

        return torch.tensor(c, dtype: ScalarType.Float32).reshape(blocks, blocks);
    }

    /// <summary>
    /// The plan [N, side², side²] (float32, 0 or 1): plan[n, i, j] = 1 moves block i of sample n to position j.
    /// </summary>
    /// <param name="mask">[N, side, side] mask values of the image being moved (its own weight at each position).</param>
    /// <param name="saliency">[N, side, side] block saliency of that image.</param>
    /// <param name="eps">ε, the weight of the distance (the reference's <c>t_eps</c>).</param>
    public static Tensor Plan(Tensor mask, Tensor saliency, double eps)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(saliency);
        CheckShapes(mask, saliency);
        long n = mask.shape[0];
        int blocks = (int)(mask.shape[1] * mask.shape[1]);
        var sources = Transport(mask, saliency, eps);
        var plans = new float[n * blocks * blocks];
        for (long k = 0; k < n; k++)
        {
            for (int j = 0; j < blocks; j++)
            {
                long source = sources[(k * blocks) + j];
                if (source >= 0)
                {
                    plans[(k * blocks * blocks) + (source * blocks) + j] = 1;
                }
            }
        }

        return torch.tensor(plans, dtype: ScalarType.Float32).reshape(n, blocks, blocks).to(mask.device);
    }

    /// <summary>
    /// The plan of <see cref="Plan"/> as the source of each destination: [N, side²] int64, −1 where none (what
    /// <see cref="Sources"/> gives for the plan, without building it).
    /// </summary>
    public static Tensor PlanSources(Tensor mask, Tensor saliency, double eps)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(saliency);
        CheckShapes(mask, saliency);
        return torch.tensor(Transport(mask, saliency, eps), dtype: ScalarType.Int64).reshape(mask.shape[0], mask.shape[1] * mask.shape[1]).to(mask.device);
    }

    private static void CheckShapes(Tensor mask, Tensor saliency)
    {
        if (mask.dim() != 3 || mask.shape[1] != mask.shape[2] || !mask.shape.AsSpan().SequenceEqual(saliency.shape))
        {
            throw new ArgumentException($"mask and saliency must both be [N, side, side]; got [{string.Join(", ", mask.shape)}] and [{string.Join(", ", saliency.shape)}].", nameof(mask));
        }
    }

    private static long[] Transport(Tensor mask, Tensor saliency, double eps)
    {
        long n = mask.shape[0];
        int side = (int)mask.shape[1], blocks = side * side;
        using var scope = torch.NewDisposeScope();
        var z = mask.detach().cpu().to_type(ScalarType.Float64).reshape(n, blocks).data<double>().ToArray().Select(v => v > 0 ? 1.0 : 0.0).ToArray();
        var s = saliency.detach().cpu().to_type(ScalarType.Float64).reshape(n, blocks).data<double>().ToArray();
        var c = CostMatrix(side).to_type(ScalarType.Float64).data<double>().ToArray();
        var sources = new long[n * blocks];
        var parallel = new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, torch.get_num_threads()) };
        // One cost buffer per worker, not per sample: at 14 × 14 blocks it is 300 KB, and a fresh one per sample made
        // enough large-object garbage to keep the collector busy during the step.
        System.Threading.Tasks.Parallel.For(0, n, parallel, () => new double[blocks * blocks], (k, _, cost) =>
        {
            var sk = new ReadOnlySpan<double>(s, (int)(k * blocks), blocks);
            var zk = new ReadOnlySpan<double>(z, (int)(k * blocks), blocks);
            var winner = Greedy(sk, zk, c, eps, side, cost);
            double greedy = 0, identity = 0;
            for (int j = 0; j < blocks; j++)
            {
                identity += sk[j] * zk[j];
                if (winner[j] >= 0)
                {
                    greedy += (sk[winner[j]] * zk[j]) - (eps * c[(winner[j] * blocks) + j]);
                }
            }

            // The greedy rounds can end below leaving every block in place (a block displaced by a salient one must go
            // somewhere, at a cost): there, keep the blocks in place, so transport never lowers the objective.
            bool keep = greedy < identity;
            for (int j = 0; j < blocks; j++)
            {
                sources[(k * blocks) + j] = keep ? j : winner[j];
            }

            return cost;
        }, _ => { });

        return sources;
    }

    /// <summary>
    /// The reference's rounds for one sample: every block claims its cheapest destination, each destination goes to its
    /// cheapest claimant (the first on ties, as torch's argmin), and each loser's cost at the destination it lost rises
    /// by 1; after <paramref name="side"/> rounds the last round's winners stand. Only losers change their claim, so only
    /// their rows are searched again. Returns the source of each destination, −1 where none.
    /// </summary>
    private static int[] Greedy(ReadOnlySpan<double> s, ReadOnlySpan<double> z, double[] c, double eps, int side, double[] cost)
    {
        int blocks = side * side;
        var claim = new int[blocks];
        for (int i = 0; i < blocks; i++)
        {
            for (int j = 0; j < blocks; j++)
            {
                cost[(i * blocks) + j] = (eps * c[(i * blocks) + j]) - (s[i] * z[j]);
            }

            claim[i] = RowMinimum(cost, i, blocks);
        }

        var winner = new int[blocks];
        for (int round = 0; round < side; round++)
        {
            Array.Fill(winner, -1);
            for (int i = 0; i < blocks; i++)
            {
                int j = claim[i];
                if (winner[j] < 0 || cost[(i * blocks) + j] < cost[(winner[j] * blocks) + j])
                {
                    winner[j] = i;
                }
            }

            if (round == side - 1)
            {
                break;
            }

            for (int i = 0; i < blocks; i++)
            {
                if (winner[claim[i]] != i)
                {
                    cost[(i * blocks) + claim[i]] += 1;
                    claim[i] = RowMinimum(cost, i, blocks);
                }
            }
        }

        return winner;
    }

    private static int RowMinimum(double[] cost, int row, int blocks)
    {
        int best = 0;
        double min = cost[row * blocks];
        for (int j = 1; j < blocks; j++)
        {
            double v = cost[(row * blocks) + j];
            if (v < min)
            {
                min = v;
                best = j;
            }
        }

        return best;
    }

    /// <summary>
    /// The objective a plan maximizes, per sample [N] float64: Σ_ij plan_ij · (s_i·z_j − ε·C_ij). The identity plan (no
    /// transport) scores Σ_i s_i·z_i.
    /// </summary>
    public static Tensor Objective(Tensor plan, Tensor mask, Tensor saliency, double eps)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(saliency);
        using var scope = torch.NewDisposeScope();
        long n = mask.shape[0];
        int side = (int)mask.shape[1], blocks = side * side;
        var c = CostMatrix(side).to(mask.device).to_type(ScalarType.Float64).unsqueeze(0);
        var z = mask.gt(0).to_type(ScalarType.Float64).reshape(n, 1, blocks);
        var s = saliency.to_type(ScalarType.Float64).reshape(n, blocks, 1);
        var gain = (s * z) - (eps * c);
        return (plan.to_type(ScalarType.Float64) * gain).sum(new long[] { 1, 2 }).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// For each destination block, the source block a plan moves there, or −1 where none: [N, side²] int64.
    /// </summary>
    public static Tensor Sources(Tensor plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        using var scope = torch.NewDisposeScope();
        var has = plan.sum(-2).gt(0);
        var source = plan.argmax(-2);
        return torch.where(has, source, torch.full_like(source, -1)).MoveToOuterDisposeScope();
    }
}
