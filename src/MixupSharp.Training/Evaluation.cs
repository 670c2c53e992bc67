using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training;

/// <summary>One bin of a reliability diagram.</summary>
/// <param name="Lower">The bin's lower confidence edge.</param>
/// <param name="Upper">The bin's upper confidence edge.</param>
/// <param name="Count">Predictions whose top confidence falls in the bin.</param>
/// <param name="Accuracy">Their accuracy (0 when empty).</param>
/// <param name="Confidence">Their mean top confidence (0 when empty).</param>
public sealed record ReliabilityBin(double Lower, double Upper, long Count, double Accuracy, double Confidence);

/// <summary>Test-set metrics: error, NLL, expected calibration error with its reliability diagram, and per-class accuracy.</summary>
public sealed record EvaluationResult(double Error, double Nll, double Ece, IReadOnlyList<ReliabilityBin> Reliability, IReadOnlyList<double> PerClassAccuracy, long Count)
{
    /// <summary>Whether the set was evaluated (false for <see cref="NotEvaluated"/>).</summary>
    public bool Evaluated => Count > 0;

    /// <summary>A set not evaluated this epoch: NaN metrics, no reliability bins, NaN per-class accuracies.</summary>
    public static EvaluationResult NotEvaluated(int numClasses) =>
        new(double.NaN, double.NaN, double.NaN, Array.Empty<ReliabilityBin>(), Enumerable.Repeat(double.NaN, numClasses).ToArray(), 0);
}

/// <summary>Metrics from logits and labels.</summary>
public static class Evaluation
{
    /// <summary>The number of equal-width confidence bins on [0, 1] used for ECE.</summary>
    public const int EceBins = 15;

    /// <summary>
    /// Error (fraction wrong), NLL (mean cross-entropy in nats), and ECE over top-label confidence in 15 equal-width bins:
    /// Σ_b (n_b/N)·|acc_b − conf_b|, bins (lower, upper] with the first bin [0, 1/15].
    /// </summary>
    public static EvaluationResult FromLogits(Tensor logits, Tensor labels, int numClasses)
    {
        using var scope = torch.NewDisposeScope();
        var logp = logits.to_type(ScalarType.Float64).log_softmax(1);
        double nll = nn.functional.nll_loss(logp, labels).item<double>();
        var (confidence, predicted) = logp.exp().max(1);
        var correct = (predicted == labels).to_type(ScalarType.Float64);
        return FromPredictions(confidence.data<double>().ToArray(), correct.data<double>().ToArray().Select(c => c > 0.5).ToArray(), labels.data<long>().ToArray(), nll, numClasses);
    }

    /// <summary>Metrics from per-sample top confidences and correctness (for tests and other frameworks' outputs).</summary>
    public static EvaluationResult FromPredictions(double[] confidence, bool[] correct, long[] labels, double nll, int numClasses)
    {
        int n = confidence.Length;
        var bins = new List<ReliabilityBin>();
        double ece = 0;
        for (int b = 0; b < EceBins; b++)
        {
            double lower = (double)b / EceBins, upper = (double)(b + 1) / EceBins;
            var members = Enumerable.Range(0, n).Where(i => b == 0 ? confidence[i] <= upper : confidence[i] > lower && confidence[i] <= upper).ToArray();
            double accuracy = members.Length == 0 ? 0 : members.Count(i => correct[i]) / (double)members.Length;
            double conf = members.Length == 0 ? 0 : members.Average(i => confidence[i]);
            ece += (double)members.Length / Math.Max(1, n) * Math.Abs(accuracy - conf);
            bins.Add(new ReliabilityBin(lower, upper, members.Length, accuracy, conf));
        }

        var perClass = Enumerable.Range(0, numClasses).Select(c =>
        {
            var idx = Enumerable.Range(0, n).Where(i => labels[i] == c).ToArray();
            return idx.Length == 0 ? double.NaN : idx.Count(i => correct[i]) / (double)idx.Length;
        }).ToArray();
        double error = n == 0 ? 0 : correct.Count(c => !c) / (double)n;
        return new EvaluationResult(error, nll, ece, bins, perClass, n);
    }
}
