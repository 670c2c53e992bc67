using System;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>Turns labels into soft targets [N, C], the target format every MixupSharp loss and mixer works with.</summary>
public static class SoftTargets
{
    /// <summary>The largest |Σ p − 1| accepted for a row of probability labels.</summary>
    public const double ProbabilityRowTolerance = 1e-3;

    /// <summary>
    /// One-hot targets with label smoothing: (1 − ε)·onehot(y) + ε/C, i.e. ε/C off the label and 1 − ε + ε/C on it.
    /// </summary>
    /// <param name="labels">Class indices [N] of an integer dtype, each in [0, <paramref name="numClasses"/>).</param>
    /// <param name="numClasses">The number of classes C (at least 2).</param>
    /// <param name="labelSmoothing">ε in [0, 1).</param>
    /// <param name="dtype">The floating dtype of the result; float32 by default.</param>
    /// <returns>A new tensor [N, C] on the labels' device.</returns>
    public static Tensor FromIndices(Tensor labels, int numClasses, double labelSmoothing = 0.0, ScalarType dtype = ScalarType.Float32)
    {
        Guard.NotNull(labels, nameof(labels));
        Guard.NumClasses(numClasses);
        Guard.Smoothing(labelSmoothing, nameof(labelSmoothing));
        if (!Guard.IsFloating(dtype))
        {
            throw new ArgumentException($"dtype must be a floating type; got {dtype}.", nameof(dtype));
        }

        CheckIndices(labels, labels.shape.Length == 1 ? labels.shape[0] : -1, numClasses, nameof(labels));
        using var scope = torch.NewDisposeScope();
        double off = labelSmoothing / numClasses;
        double on = 1.0 - labelSmoothing + off;
        var hot = nn.functional.one_hot(labels.to_type(ScalarType.Int64), numClasses).to_type(ScalarType.Bool);
        var onValue = torch.tensor(on, dtype: dtype, device: labels.device);
        var offValue = torch.tensor(off, dtype: dtype, device: labels.device);
        return torch.where(hot, onValue, offValue).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Checks labels for a batch of <paramref name="n"/>: integer class indices [N] or probabilities [N, C]; throws
    /// naming what was expected and what came.
    /// </summary>
    internal static void CheckLabels(Tensor labels, long n, int numClasses, string name)
    {
        if (labels.shape.Length == 1 && Guard.IsInteger(labels.dtype))
        {
            CheckIndices(labels, n, numClasses, name);
            return;
        }

        if (labels.shape.Length >= 1 && labels.shape[0] != n)
        {
            throw new ArgumentException($"{name} has batch size {labels.shape[0]} but the inputs have {n}.", name);
        }

        CheckProbabilities(labels, n, numClasses, name);
    }

    /// <summary>Soft targets from checked labels: indices are smoothed one-hot rows, probabilities are taken as given.</summary>
    internal static Tensor FromLabels(Tensor labels, int numClasses, double labelSmoothing, ScalarType dtype) =>
        labels.shape.Length == 1 && Guard.IsInteger(labels.dtype)
            ? FromIndices(labels, numClasses, labelSmoothing, dtype)
            : labels.to_type(dtype);

    /// <summary>
    /// The soft targets of a mixed batch: each sample's own target weighted by its λ plus its partner's by 1 − λ,
    /// on <paramref name="partner"/>'s device. Mix labels, not pixels of labels.
    /// </summary>
    internal static Tensor Mixed(Tensor labels, Tensor partner, Tensor lambda, int numClasses, double labelSmoothing, ScalarType dtype)
    {
        var own = FromLabels(labels.to(partner.device), numClasses, labelSmoothing, dtype);
        var weight = lambda.to(partner.device).to_type(dtype).unsqueeze(1);
        return (own * weight) + (own.index_select(0, partner) * (1.0 - weight));
    }

    /// <summary>Checks that <paramref name="labels"/> are integer class indices [N] in [0, numClasses).</summary>
    internal static void CheckIndices(Tensor labels, long expectedCount, int numClasses, string name)
    {
        if (!Guard.IsInteger(labels.dtype) || labels.shape.Length != 1)
        {
            throw new ArgumentException($"{name} must be integer class indices [N]; got {Guard.Describe(labels)}.", name);
        }

        if (expectedCount >= 0 && labels.shape[0] != expectedCount)
        {
            throw new ArgumentException($"{name} has batch size {labels.shape[0]} but the inputs have {expectedCount}.", name);
        }

        if (labels.shape[0] == 0)
        {
            return;
        }

        using var scope = torch.NewDisposeScope();
        long min = labels.min().to_type(ScalarType.Int64).item<long>();
        long max = labels.max().to_type(ScalarType.Int64).item<long>();
        if (min < 0 || max >= numClasses)
        {
            throw new ArgumentOutOfRangeException(name, $"{name} must be class indices in [0, {numClasses}); got values in [{min}, {max}].");
        }
    }

    /// <summary>Checks that <paramref name="labels"/> are probabilities [N, C]: finite, non-negative, rows summing to 1.</summary>
    internal static void CheckProbabilities(Tensor labels, long expectedCount, int numClasses, string name)
    {
        if (!Guard.IsFloating(labels.dtype) || labels.shape.Length != 2)
        {
            throw new ArgumentException($"{name} must be class indices [N] (integer) or probabilities [N, {numClasses}] (floating); got {Guard.Describe(labels)}.", name);
        }

        if (labels.shape[0] != expectedCount || labels.shape[1] != numClasses)
        {
            throw new ArgumentException($"{name} as probabilities must be [{expectedCount}, {numClasses}]; got {Guard.Shape(labels.shape)}.", name);
        }

        using var scope = torch.NewDisposeScope();
        var values = labels.to_type(ScalarType.Float64);
        if (!values.isfinite().all().item<bool>())
        {
            throw new ArgumentException($"{name} holds NaN or infinite probabilities.", name);
        }

        double min = values.min().item<double>();
        if (min < 0)
        {
            throw new ArgumentOutOfRangeException(name, $"{name} must be non-negative probabilities; got a minimum of {min}.");
        }

        double worst = (values.sum(1) - 1.0).abs().max().item<double>();
        if (worst > ProbabilityRowTolerance)
        {
            throw new ArgumentException($"{name} rows must sum to 1 (within {ProbabilityRowTolerance}); one row is off by {worst}.", name);
        }
    }
}
