using System;
using MixupSharp.Distortion;
using MixupSharp.Training.Data;
using MixupSharp.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training;

/// <summary>What temperature scaling did: the temperature, where it was fitted, and the metrics before and after on the reported set.</summary>
/// <param name="Temperature">T: the logits are divided by it.</param>
/// <param name="FittedOn">The images T was fitted on (their count).</param>
/// <param name="Before">The reported set's metrics with the raw logits.</param>
/// <param name="After">The same set's metrics with the logits divided by T (the same predictions: only confidence changes).</param>
public sealed record CalibrationReport(double Temperature, long FittedOn, EvaluationResult Before, EvaluationResult After);

/// <summary>
/// Temperature scaling (Guo, Pleiss, Sun and Weinberger, "On Calibration of Modern Neural Networks", ICML 2017): one
/// scalar T &gt; 0 divides the logits, fitted by minimizing the NLL on held-out images. It changes no prediction, only the
/// confidence, which is what fixes the over- (ERM) or under-confidence (mixup with a large α) that ECE measures.
/// </summary>
public static class TemperatureScaling
{
    /// <summary>The smallest temperature the search considers.</summary>
    public const double MinTemperature = 0.01;

    /// <summary>The largest temperature the search considers.</summary>
    public const double MaxTemperature = 100;

    /// <summary>
    /// When <paramref name="temperature"/> is at a bound of the search, what that means (the data asked for a more
    /// extreme temperature, so the fit is limited by the bound); null inside the range.
    /// </summary>
    public static string? BoundNote(double temperature) =>
        Math.Abs(Math.Log(temperature / MinTemperature)) < 1e-6 ? $"T is at the search's lower bound {MinTemperature}: the logits ask for a sharper temperature still, so the calibration stops short of it"
        : Math.Abs(Math.Log(temperature / MaxTemperature)) < 1e-6 ? $"T is at the search's upper bound {MaxTemperature}: the logits ask for a flatter temperature still (near-uniform predictions), so the calibration stops short of it"
        : null;

    /// <summary>
    /// The T minimizing the mean NLL of <paramref name="logits"/> / T. NLL(β·z) is convex in β = 1/T (log-sum-exp is
    /// convex, the label's term linear), so a golden-section search over log β in [ln 0.01, ln 100] finds it (to 1e-9
    /// in log β); a T at a bound (0.01 or 100) means the data asked for more.
    /// </summary>
    /// <param name="logits">[N, classes] logits.</param>
    /// <param name="labels">[N] class indices.</param>
    public static double Fit(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (logits.dim() != 2 || labels.dim() != 1 || logits.shape[0] != labels.shape[0] || logits.shape[0] == 0)
        {
            throw new ArgumentException($"temperature scaling needs logits [N, classes] and labels [N] with N ≥ 1; got [{string.Join(", ", logits.shape)}] and [{string.Join(", ", labels.shape)}].", nameof(logits));
        }

        using var scope = torch.NewDisposeScope();
        var z = logits.to_type(ScalarType.Float64).cpu();
        var y = labels.to_type(ScalarType.Int64).cpu();
        double Nll(double logBeta) => nn.functional.cross_entropy(z * Math.Exp(logBeta), y).item<double>();

        double golden = (Math.Sqrt(5) - 1) / 2, low = Math.Log(MinTemperature), high = Math.Log(MaxTemperature);
        double a = high - (golden * (high - low)), b = low + (golden * (high - low));
        double fa = Nll(a), fb = Nll(b);
        while (high - low > 1e-9)
        {
            if (fa <= fb)
            {
                (high, b, fb) = (b, a, fa);
                a = high - (golden * (high - low));
                fa = Nll(a);
            }
            else
            {
                (low, a, fa) = (a, b, fb);
                b = low + (golden * (high - low));
                fb = Nll(b);
            }
        }

        return 1.0 / Math.Exp((low + high) / 2);
    }

    /// <summary>Fits T on <paramref name="fit"/> and reports <paramref name="report"/>'s metrics before and after.</summary>
    public static CalibrationReport Calibrate(StagedModel model, ImageDataset fit, ImageDataset report, Normalize normalize, Device device)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(report);
        using var scope = torch.NewDisposeScope();
        var (fitLogits, fitLabels) = Evaluator.Logits(model, fit, normalize, device);
        double temperature = Fit(fitLogits, fitLabels);
        var (logits, labels) = Evaluator.Logits(model, report, normalize, device);
        return new CalibrationReport(temperature, fit.Count, Evaluation.FromLogits(logits, labels, report.NumClasses), Evaluation.FromLogits(logits / temperature, labels, report.NumClasses));
    }
}
