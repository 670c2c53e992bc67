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
            // Keyed by operation; every warp under ShearX's key.
            var groups = new SortedDictionary<PolicyOp, List<long>>();
            for (long i = 0; i < n; i++)
            {
                var op = (PolicyOp)ops[(i * steps) + s];
                if (!ImageOps.IsIdentity(op, magnitudes[(i * steps) + s], images.shape))
                {
                    var key = GeometricOps.IsWarp(op) ? PolicyOp.ShearX : op;
                    (groups.TryGetValue(key, out var list) ? list : groups[key] = new List<long>()).Add(i);
                }
            }

            if (groups.Count == 0)
            {
                continue;
            }

            Tensor Run(Tensor members, PolicyOp key, List<long> which) => key switch
            {
                PolicyOp.ShearX => GeometricOps.Apply(members, Ops(ops, steps, s, which), Column(magnitudes, steps, s, which), interpolation),
                _ => ImageOps.Run(members, key, Column(magnitudes, steps, s, which), interpolation),
            };

            if (groups.Count == 1 && groups.First().Value.Count == n)
            {
                current = Run(current, groups.First().Key, groups.First().Value);
                continue;
            }

            var next = current.clone();
            foreach (var (key, members) in groups)
            {
                var index = torch.tensor(members.ToArray(), dtype: ScalarType.Int64, device: images.device);
                next.index_copy_(0, index, Run(current.index_select(0, index), key, members));
            }

            current = next;
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

        if (ops.numel() == 0)
        {
            return (Array.Empty<long>(), Array.Empty<double>());   // chains of no operation (RandAugment with NumOps 0): the identity
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
