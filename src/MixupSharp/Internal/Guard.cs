using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Internal;

/// <summary>Argument checks whose messages name what was expected and what came.</summary>
internal static class Guard
{
    public static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";

    public static string Describe(Tensor t) => $"{t.dtype} {Shape(t.shape)}";

    public static bool IsFloating(ScalarType t) =>
        t is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64;

    public static bool IsInteger(ScalarType t) =>
        t is ScalarType.Byte or ScalarType.Int8 or ScalarType.Int16 or ScalarType.Int32 or ScalarType.Int64;

    public static void NotNull(object? value, string name)
    {
        if (value is null)
        {
            throw new ArgumentNullException(name);
        }
    }

    public static void Alpha(double alpha, string name)
    {
        if (double.IsNaN(alpha) || double.IsInfinity(alpha) || alpha < 0)
        {
            throw new ArgumentOutOfRangeException(name, alpha, $"{name} must be a finite number ≥ 0 (0 disables mixing); got {alpha}.");
        }
    }

    public static void Probability(double p, string name)
    {
        if (double.IsNaN(p) || p < 0 || p > 1)
        {
            throw new ArgumentOutOfRangeException(name, p, $"{name} must be a probability in [0, 1]; got {p}.");
        }
    }

    public static void Smoothing(double epsilon, string name)
    {
        if (double.IsNaN(epsilon) || epsilon < 0 || epsilon >= 1)
        {
            throw new ArgumentOutOfRangeException(name, epsilon, $"{name} must be in [0, 1); got {epsilon}.");
        }
    }

    public static void NumClasses(int numClasses)
    {
        if (numClasses < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, $"numClasses must be at least 2; got {numClasses}.");
        }
    }

    public static void SideRatioRange((double Min, double Max)? range, string name)
    {
        if (range is { } r && (double.IsNaN(r.Min) || double.IsNaN(r.Max) || r.Min < 0 || r.Max > 1 || r.Min >= r.Max))
        {
            throw new ArgumentOutOfRangeException(name, r, $"{name} must satisfy 0 ≤ Min < Max ≤ 1; got ({r.Min}, {r.Max}).");
        }
    }

    public static void Enum<T>(T value, string name)
        where T : struct, System.Enum
    {
        if (!System.Enum.IsDefined(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be one of {string.Join(", ", System.Enum.GetNames<T>())}; got {value}.");
        }
    }

    /// <summary>Checks a per-sample vector of a draw (a partner index or a λ per sample): <paramref name="dtype"/> [n].</summary>
    public static void PerSample(Tensor values, ScalarType dtype, long n, string what, string paramName)
    {
        if (values.dtype != dtype || values.shape.Length != 1 || values.shape[0] != n)
        {
            string type = dtype == ScalarType.Int64 ? "int64" : dtype == ScalarType.Float64 ? "float64" : dtype.ToString();
            throw new ArgumentException($"{what} must be {type} [{n}] to match the inputs; got {Describe(values)}.", paramName);
        }
    }

    /// <summary>
    /// Checks the values of a draw against its batch: every λ in [0, 1] (no NaN) and every partner index in [0, n), so
    /// replayed parameters can neither give negative targets nor reach libtorch with an index out of range.
    /// </summary>
    public static void DrawValues(Tensor lambda, Tensor partner, long n, string name)
    {
        using var scope = torch.NewDisposeScope();
        double[] l = lambda.cpu().data<double>().ToArray();
        if (l.Any(v => double.IsNaN(v) || v < 0 || v > 1))
        {
            throw new ArgumentOutOfRangeException(name, $"{name}.Lambda must lie in [0, 1]; got values in [{l.Min()}, {l.Max()}].");
        }

        long[] j = partner.cpu().data<long>().ToArray();
        if (j.Any(v => v < 0 || v >= n))
        {
            throw new ArgumentOutOfRangeException(name, $"{name}.Partner must hold indices in [0, {n}); got values in [{j.Min()}, {j.Max()}].");
        }
    }

    /// <summary>
    /// Checks a mask draw against its λ: every mask value in [0, 1] (no NaN), and each sample's λ the mean of its mask
    /// within 1e-6. The targets are mixed by λ and the pixels by the mask, so replayed parameters must keep the two in
    /// agreement.
    /// </summary>
    public static void MaskMatchesLambda(Tensor masks, Tensor lambda, string name)
    {
        using var scope = torch.NewDisposeScope();
        var m = masks.to_type(ScalarType.Float64).cpu();
        double min = m.min().item<double>(), max = m.max().item<double>();
        if (double.IsNaN(min) || double.IsNaN(max) || min < 0 || max > 1)
        {
            throw new ArgumentOutOfRangeException(name, $"{name}.Masks must lie in [0, 1]; got values in [{min}, {max}].");
        }

        double gap = (m.flatten(1).mean(new long[] { 1 }) - lambda.cpu()).abs().max().item<double>();
        if (gap > 1e-6)
        {
            throw new ArgumentException($"{name}.Lambda must be each mask's mean (the share of the sample's own pixels); they differ by up to {gap:G3}.", name);
        }
    }

    /// <summary>Checks a batch shape: at least <paramref name="minDims"/> dimensions, exactly <paramref name="exactDims"/> if given, and N ≥ 1.</summary>
    public static void BatchShape(long[] shape, string name, string expected, int minDims = 1, int? exactDims = null)
    {
        NotNull(shape, name);
        if ((exactDims is { } d && shape.Length != d) || shape.Length < minDims)
        {
            throw new ArgumentException($"{name} must be {expected}; got {Shape(shape)}.", name);
        }

        if (shape.Any(s => s < 0))
        {
            throw new ArgumentException($"{name} has a negative dimension: {Shape(shape)}.", name);
        }

        if (shape[0] < 1)
        {
            throw new ArgumentException($"{name} must hold at least one sample; got {Shape(shape)}.", name);
        }
    }
}
