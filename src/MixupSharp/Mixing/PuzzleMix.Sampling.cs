using System;
using System.Linq;
using MixupSharp.Internal;
using MixupSharp.Mixing.Puzzle;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MixupSharp.Mixing;

/// <content>The draw: the block energy of every sample, its minimum, and the transport plans.</content>
public sealed partial class PuzzleMix
{
    /// <summary>
    /// Draws the parameters for <paramref name="images"/> [N, C, S, S] (pixels in [0, 1], as the data-smoothness term
    /// reads them) given each sample's <paramref name="saliency"/> [N, S, S] or [N, 1, S, S] (non-negative, e.g. the
    /// ℓ2 norm over channels of the loss's input gradient). Partners, λ and the grid side come from
    /// <paramref name="generator"/>; the rest is deterministic. Computed on the CPU.
    /// </summary>
    public PuzzleMixParameters Sample(Tensor images, Tensor saliency, Generator? generator = null)
    {
        Guard.NotNull(images, nameof(images));
        Guard.NotNull(saliency, nameof(saliency));
        CheckImages(images, nameof(images));
        long n = images.shape[0], side = images.shape[2];
        bool flat = saliency.dim() == 3 && saliency.shape[1] == side && saliency.shape[2] == side;
        bool channel = saliency.dim() == 4 && saliency.shape[1] == 1 && saliency.shape[2] == side && saliency.shape[3] == side;
        if (!(flat || channel) || saliency.shape[0] != n || !Guard.IsFloating(saliency.dtype))
        {
            throw new ArgumentException($"saliency must be floating [{n}, {side}, {side}] or [{n}, 1, {side}, {side}] for images {Guard.Shape(images.shape)}; got {Guard.Describe(saliency)}.", nameof(saliency));
        }

        var sides = BlockSidesFor(side);
        long[] partner = Draws.Permutation(n, generator);
        double prior = Draws.Beta(Options.Alpha, 1, generator)[0];
        int g = sides[Draws.Index(Draws.Uniform(1, generator)[0], sides.Count)];

        using var scope = torch.NewDisposeScope();
        var sal = saliency.detach().cpu().to_type(ScalarType.Float64).reshape(n, 1, side, side);
        double smallest = sal.min().item<double>();
        if (double.IsNaN(smallest) || smallest < 0 || double.IsInfinity(sal.max().item<double>()))
        {
            throw new ArgumentOutOfRangeException(nameof(saliency), $"saliency must be finite and non-negative; its smallest value is {smallest}.");
        }

        var pixels = images.detach().cpu().to_type(ScalarType.Float64);
        var partnerIndex = torch.tensor(partner, dtype: ScalarType.Int64);
        int block = (int)(side / g);
        var masks = Labelling(pixels, sal, partnerIndex, prior, g, block);

        Tensor? sources = null;
        if (Options.Transport && g > 1)
        {
            int piece = LargestDivisor(block, Options.TransportSize, 2) ?? block;
            int t = (int)(side / piece);
            var maskT = masks.repeat_interleave(block / piece, 1).repeat_interleave(block / piece, 2);
            var salT = BlockSaliency(sal, piece, t);
            var own = BlockTransport.PlanSources(maskT, salT, Options.TransportEps);
            var other = BlockTransport.PlanSources(torch.ones_like(maskT) - maskT, salT.index_select(0, partnerIndex), Options.TransportEps);
            sources = torch.stack(new[] { own, other }, 1).MoveToOuterDisposeScope();
        }

        var lambda = masks.to_type(ScalarType.Float64).flatten(1).mean(new long[] { 1 });
        return new PuzzleMixParameters(masks.MoveToOuterDisposeScope(), partnerIndex.MoveToOuterDisposeScope(), lambda.MoveToOuterDisposeScope(), sources);
    }

    private Tensor Labelling(Tensor pixels, Tensor sal, Tensor partnerIndex, double prior, int g, int block)
    {
        var energies = Energies(pixels, sal, partnerIndex, prior, g, block);
        var values = new float[energies.Length * g * g];
        // Samples are independent and each writes its own slice, so the result does not depend on the threads; as many
        // as torch is allowed, since torch waits while this runs.
        var parallel = new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, torch.get_num_threads()) };
        System.Threading.Tasks.Parallel.For(0, energies.Length, parallel, i =>
        {
            var labels = AlphaBetaSwap.Minimize(energies[i]);
            for (int p = 0; p < labels.Length; p++)
            {
                values[(i * g * g) + p] = (float)energies[i].MaskValue(labels[p]);
            }
        });

        return torch.tensor(values, dtype: ScalarType.Float32).reshape(energies.Length, g, g);
    }

    private PuzzleEnergy[] Energies(Tensor pixels, Tensor sal, Tensor partnerIndex, double prior, int g, int block)
    {
        long n = pixels.shape[0];
        int labels = Options.Labels;
        using var scope = torch.NewDisposeScope();
        var own = BlockSaliency(sal, block, g);
        var other = own.index_select(0, partnerIndex);

        // The data-smoothness term (the reference's neigh_penalty): mean absolute differences across each block border of
        // the images pooled by the neighbourhood size, for the four ways the two blocks can come from the two images.
        int neigh = LargestDivisor(block, Options.NeighborhoodSize, 1)!.Value;
        int k = block / neigh;
        var a = F.avg_pool2d(pixels, neigh);
        var b = a.index_select(0, partnerIndex);
        double betaScaled = Options.Beta / g / 16.0;
        double weight = betaScaled * Options.Gamma;
        var (v00, h00) = Penalty(b, b, k, weight);
        var (v01, h01) = Penalty(b, a, k, weight);
        var (v10, h10) = Penalty(a, b, k, weight);
        var (v11, h11) = Penalty(a, a, k, weight);

        // Costs of the two pure labels: keeping the own block loses the partner's saliency, and the other way round; the
        // smoothness table of each edge is split into these unary parts and a residual on label disagreement.
        var keepOwn = other.clone();
        var takeOther = own.clone();
        if (g > 1)
        {
            keepOwn[.., ..^1, ..] += Half(v10 + v11);
            takeOther[.., ..^1, ..] += Half(v01 + v00);
            keepOwn[.., 1.., ..] += Half(v01 + v11);
            takeOther[.., 1.., ..] += Half(v10 + v00);
            keepOwn[.., .., ..^1] += Half(h10 + h11);
            takeOther[.., .., ..^1] += Half(h01 + h00);
            keepOwn[.., .., 1..] += Half(h01 + h11);
            takeOther[.., .., 1..] += Half(h10 + h00);
        }

        var vertical = Weights(Half(v10 + v01 - v11 - v00), betaScaled);
        var horizontal = Weights(Half(h10 + h01 - h11 - h00), betaScaled);
        var keep = keepOwn.reshape(n, -1).data<double>().ToArray();
        var take = takeOther.reshape(n, -1).data<double>().ToArray();

        // The prior: label l (mask 1 − l/(L − 1)) has the binomial probability of l partner draws in L − 1.
        var priorCost = new double[labels];
        for (int l = 0; l < labels; l++)
        {
            double p = Binomial(labels - 1, l) * Math.Pow(prior, labels - 1 - l) * Math.Pow(1 - prior, l);
            priorCost[l] = Options.Eta * -Math.Log(p + 1e-8) / (g * g);
        }

        int nodes = g * g, edges = (g - 1) * g;
        var result = new PuzzleEnergy[n];
        for (int i = 0; i < n; i++)
        {
            var unary = new double[nodes * labels];
            for (int p = 0; p < nodes; p++)
            {
                for (int l = 0; l < labels; l++)
                {
                    double m = 1.0 - ((double)l / (labels - 1));
                    unary[(p * labels) + l] = (m * keep[(i * nodes) + p]) + ((1 - m) * take[(i * nodes) + p]) + priorCost[l];
                }
            }

            result[i] = new PuzzleEnergy(g, labels, unary, vertical.Skip(i * edges).Take(edges).ToArray(), horizontal.Skip(i * edges).Take(edges).ToArray());
        }

        return result;
    }

    /// <summary>Saliency [N, 1, S, S] average-pooled to [N, t, t] blocks and normalized to sum 1 per sample (uniform where it is all 0).</summary>
    private static Tensor BlockSaliency(Tensor sal, int piece, int t)
    {
        var pooled = F.avg_pool2d(sal, piece).reshape(sal.shape[0], t, t);
        var total = pooled.sum(new long[] { 1, 2 }, keepdim: true);
        using var uniform = (1.0 / (t * t)).ToScalar();
        using var tiny = double.Epsilon.ToScalar();
        var positive = total.gt(tiny);
        return torch.where(positive, pooled / total.clamp_min(tiny), torch.full_like(pooled, uniform));
    }

    // Tensor-scalar arithmetic here goes through scalars held until the call returns: an implicitly converted Scalar can
    // be finalized while libtorch still reads it (TorchSharp frees it from the finalizer thread), which crashed a grid run
    // with "Unknown scalar type" under the garbage collection the draw's buffers cause.
    private static Tensor Half(Tensor t)
    {
        using var half = 0.5.ToScalar();
        return t.mul(half);
    }

    private static Tensor Scaled(Tensor t, double factor)
    {
        using var s = factor.ToScalar();
        return t.mul(s);
    }

    /// <summary>The residual weights plus β', clamped at 0, per sample as one flat array.</summary>
    private static double[] Weights(Tensor residual, double betaScaled)
    {
        using var beta = betaScaled.ToScalar();
        using var zero = 0.0.ToScalar();
        return residual.add(beta).clamp_min(zero).reshape(residual.shape[0], -1).data<double>().ToArray();
    }

    /// <summary>
    /// The reference's neigh_penalty: |u − v| across each horizontal border (u above, v below) and each vertical one
    /// (u left, v right) of the block grid, averaged over channels and along the border; [N, g − 1, g] and [N, g, g − 1].
    /// </summary>
    private static (Tensor Vertical, Tensor Horizontal) Penalty(Tensor u, Tensor v, int k, double weight)
    {
        var dv = u[.., .., ..^1, ..] - v[.., .., 1.., ..];
        var dh = u[.., .., .., ..^1] - v[.., .., .., 1..];
        dv = dv[.., .., TensorIndex.Slice(k - 1, null, k), ..];
        dh = dh[.., .., .., TensorIndex.Slice(k - 1, null, k)];
        var vertical = F.avg_pool2d(dv.abs().mean(new long[] { 1 }, keepdim: true), new long[] { 1, k }).squeeze(1);
        var horizontal = F.avg_pool2d(dh.abs().mean(new long[] { 1 }, keepdim: true), new long[] { k, 1 }).squeeze(1);
        return (Scaled(vertical, weight), Scaled(horizontal, weight));
    }

    /// <summary>The largest divisor of <paramref name="value"/> in [<paramref name="floor"/>, <paramref name="ceiling"/>], or null.</summary>
    private static int? LargestDivisor(int value, int ceiling, int floor)
    {
        for (int d = Math.Min(value, ceiling); d >= floor; d--)
        {
            if (value % d == 0)
            {
                return d;
            }
        }

        return null;
    }

    private static double Binomial(int n, int k)
    {
        double r = 1;
        for (int i = 1; i <= k; i++)
        {
            r = r * (n - k + i) / i;
        }

        return r;
    }
}
