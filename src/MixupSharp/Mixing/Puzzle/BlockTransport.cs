using System;
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
/// transport (the reference does not check; on random masks it happens in about one sample of ten, see TransportTests),
/// the sample keeps its blocks in place. Batched over the samples.
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

        using var scope = torch.NewDisposeScope();
        var line = torch.arange(side, dtype: ScalarType.Float32);
        var rows = line.repeat_interleave(side);    // block i sits at row i / side ...
        var cols = line.repeat(side);               // ... and column i % side
        var dr = rows.unsqueeze(1) - rows.unsqueeze(0);
        var dc = cols.unsqueeze(1) - cols.unsqueeze(0);
        return (((dr * dr) + (dc * dc)) / ((side - 1.0) * (side - 1.0))).MoveToOuterDisposeScope();
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
        if (mask.dim() != 3 || mask.shape[1] != mask.shape[2] || !mask.shape.AsSpan().SequenceEqual(saliency.shape))
        {
            throw new ArgumentException($"mask and saliency must both be [N, side, side]; got [{string.Join(", ", mask.shape)}] and [{string.Join(", ", saliency.shape)}].", nameof(mask));
        }

        using var scope = torch.NewDisposeScope();
        long n = mask.shape[0];
        int side = (int)mask.shape[1], blocks = side * side;
        var c = CostMatrix(side).to(mask.device).unsqueeze(0);
        var z = mask.gt(0).to_type(ScalarType.Float32).reshape(n, 1, blocks);
        var s = saliency.to_type(ScalarType.Float32).reshape(n, blocks, 1);
        var cost = (eps * c) - (s * z);
        Tensor win = torch.zeros_like(cost);
        for (int round = 0; round < side; round++)
        {
            var rowBest = cost.argmin(-1, keepdim: true);
            var plan = torch.zeros_like(cost).scatter_(-1, rowBest, torch.ones(rowBest.shape, dtype: cost.dtype));
            // Positions outside the plan read as 1 in the fight, above any claimant's cost (saliency and mask are ≤ 1),
            // so a destination's winner is always one of its claimants (as the PuzzleMix authors' later version of this function does; OpenMixup's multiplies by the plan alone).
            var fight = (plan * cost) + (1 - plan);
            var colBest = fight.argmin(-2, keepdim: true);
            win = torch.zeros_like(cost).scatter_(-2, colBest, torch.ones(colBest.shape, dtype: cost.dtype)) * plan;
            cost = cost + ((1 - win) * plan);
        }

        // The greedy rounds can end below leaving every block in place (a block displaced by a salient one must go
        // somewhere, at a cost): there, keep the blocks in place, so transport never lowers the objective.
        var identity = torch.eye(blocks, dtype: ScalarType.Float32, device: mask.device).expand(n, blocks, blocks);
        var better = Objective(win, mask, saliency, eps).ge(Objective(identity, mask, saliency, eps)).reshape(n, 1, 1);
        return torch.where(better, win, identity).contiguous().MoveToOuterDisposeScope();
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
