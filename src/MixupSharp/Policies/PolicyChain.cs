using System;
using System.Collections.Generic;
using System.Linq;
using MixupSharp.Distortion;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Policies;

/// <summary>
/// Applies per-sample chains of operations to a batch by grouping: at each step, the samples that drew the same
/// operation go through it together, so a step costs one tensor call per distinct operation present, not one per sample;
/// the five warps (shear, translate, rotate) share one group, since one <c>grid_sample</c> takes a matrix per sample.
/// </summary>
internal static class PolicyChain
{
    /// <summary>Applies chains given as row-major [N, steps] arrays; the input is not modified.</summary>
    public static Tensor Apply(Tensor images, long[] ops, double[] magnitudes, int steps, Interpolation interpolation)
    {
        long n = images.shape[0];
        using var scope = torch.NewDisposeScope();
        var current = images;
        for (int s = 0; s < steps; s++)
        {
            // Keyed by operation; every warp under ShearX's key, every blend under Brightness's (sorted by operation).
            var groups = new SortedDictionary<PolicyOp, List<long>>();
            for (long i = 0; i < n; i++)
            {
                var op = (PolicyOp)ops[(i * steps) + s];
                if (!ImageOps.IsIdentity(op, magnitudes[(i * steps) + s], images.shape))
                {
                    var key = GeometricOps.IsWarp(op) ? PolicyOp.ShearX : ColorOps.IsBlend(op) ? PolicyOp.Brightness : op;
                    (groups.TryGetValue(key, out var list) ? list : groups[key] = new List<long>()).Add(i);
                }
            }

            if (groups.TryGetValue(PolicyOp.Brightness, out var blends))
            {
                groups[PolicyOp.Brightness] = blends.OrderBy(i => ops[(i * steps) + s]).ToList();
            }

            if (groups.Count == 0)
            {
                continue;
            }

            Tensor Run(Tensor members, PolicyOp key, List<long> which) => key switch
            {
                PolicyOp.ShearX => GeometricOps.Apply(members, Ops(ops, steps, s, which), Column(magnitudes, steps, s, which), interpolation),
                PolicyOp.Brightness => ColorOps.BlendSorted(members, Ops(ops, steps, s, which), Column(magnitudes, steps, s, which)),
                _ => ImageOps.Run(members, key, Column(magnitudes, steps, s, which), interpolation),
            };

            if (groups.Count == 1 && groups.First().Value.Count == n)
            {
                current = Run(current, groups.First().Key, groups.First().Value);
                continue;
            }

            // One gather puts each group's samples next to each other (the untouched ones last), each group runs on its
            // slice, and one gather puts the samples back: three batch-sized copies per step, rather than a clone and
            // two small copies per group.
            var untouched = Enumerable.Range(0, (int)n).Select(i => (long)i).Except(groups.Values.SelectMany(g => g)).ToList();
            long[] order = groups.Values.SelectMany(g => g).Concat(untouched).ToArray();
            var inverse = new long[n];
            for (int k = 0; k < order.Length; k++)
            {
                inverse[order[k]] = k;
            }

            var sorted = current.index_select(0, torch.tensor(order, dtype: ScalarType.Int64, device: images.device));
            var parts = new List<Tensor>();
            long offset = 0;
            foreach (var (key, members) in groups)
            {
                parts.Add(Run(sorted.narrow(0, offset, members.Count), key, members));
                offset += members.Count;
            }

            if (untouched.Count > 0)
            {
                parts.Add(sorted.narrow(0, offset, untouched.Count));
            }

            current = torch.cat(parts, 0).index_select(0, torch.tensor(inverse, dtype: ScalarType.Int64, device: images.device));
        }

        return (ReferenceEquals(current, images) ? images.clone() : current).MoveToOuterDisposeScope();
    }

    /// <summary>Reads a draw's tensors into arrays, after checking them against the batch and the space's rules.</summary>
    public static (long[] Ops, double[] Magnitudes) Read(Tensor ops, Tensor magnitudes, long n, string name)
    {
        if (ops.shape[0] != n)
        {
            throw new ArgumentException($"{name} must hold one chain per sample ({n}); got {Guard.Describe(ops)}.", name);
        }

        using var scope = torch.NewDisposeScope();
        long[] o = ops.contiguous().data<long>().ToArray();
        double[] m = magnitudes.contiguous().data<double>().ToArray();
        for (int i = 0; i < o.Length; i++)
        {
            ImageOps.CheckMagnitude((PolicyOp)o[i], m[i], name);
        }

        return (o, m);
    }

    /// <summary>Checks a draw's tensors: Int64 operations and Float64 magnitudes of one shape, every operation known.</summary>
    public static void CheckDraw(Tensor ops, Tensor magnitudes, int dims, string name)
    {
        if (ops.dtype != ScalarType.Int64 || magnitudes.dtype != ScalarType.Float64 || ops.dim() != dims || !ops.shape.SequenceEqual(magnitudes.shape))
        {
            string shape = dims == 2 ? "[N, steps]" : "[N, width, depth]";
            throw new ArgumentException($"a policy draw needs Int64 operations and Float64 magnitudes, both {shape}; got {Guard.Describe(ops)} and {Guard.Describe(magnitudes)}.", name);
        }

        using var scope = torch.NewDisposeScope();
        if (ops.numel() > 0 && (ops.min().item<long>() < 0 || ops.max().item<long>() > (long)PolicyOp.Invert))
        {
            throw new ArgumentException($"a policy draw's operations must be PolicyOp values 0–{(long)PolicyOp.Invert}; got values from {ops.min().item<long>()} to {ops.max().item<long>()}.", name);
        }
    }

    private static PolicyOp[] Ops(long[] ops, int steps, int s, List<long> members) =>
        members.Select(i => (PolicyOp)ops[(i * steps) + s]).ToArray();

    private static double[] Column(double[] magnitudes, int steps, int s, List<long> members) =>
        members.Select(i => magnitudes[(i * steps) + s]).ToArray();
}
