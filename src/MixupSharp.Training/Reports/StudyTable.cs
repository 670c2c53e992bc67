using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using MixupSharp.Training.Grids;

namespace MixupSharp.Training.Reports;

/// <summary>
/// The learning-curve study's table at each training-set size: one row per method, with what the choice was made on
/// (validation error), the primary metric and its paired difference from the baseline, and the columns that explain
/// it (the last weights' test error, training error, NLL, ECE). One table per size, so a reader of the study sees a
/// size's whole result in one place rather than one metric across sizes.
/// </summary>
public static class StudyTable
{
    /// <summary>The columns beside the primary metric, in order: what each shows and the metric it reads.</summary>
    private static readonly (string Header, string Metric, bool Spread)[] Columns =
    {
        ("last weights' test error", "test_error", true),
        ("training error", "train_error", false),
        ("NLL", "best_val_test_nll", false),
        ("ECE", "best_val_test_ece", false),
    };

    /// <summary>The metrics the table of <paramref name="metric"/> shows (for <see cref="LearningCurve.Collect(IEnumerable{string}, IReadOnlyList{string})"/>).</summary>
    public static IReadOnlyList<string> Metrics(string metric) => Columns.Select(col => col.Metric).Prepend(metric).Prepend("best_val_error").Distinct().ToList();

    /// <summary>The tables of the runs under <paramref name="gridDirs"/>, compared with <paramref name="baseline"/> (see the overload).</summary>
    public static string Markdown(IReadOnlyList<string> gridDirs, string metric, string baseline)
    {
        var points = LearningCurve.Collect(gridDirs, Metrics(metric));
        return Markdown(points, metric, LearningCurve.Differences(points[metric], baseline), baseline);
    }

    /// <summary>
    /// The tables, one per size at which the runs measured validation error; rows in the order of mean validation error,
    /// the baseline first. Errors are mean ± sd over seeds (%); training error, NLL and ECE are means. Empty when no run
    /// held out a validation set.
    /// </summary>
    /// <param name="points">The points of every metric of <see cref="Metrics"/>, from <see cref="LearningCurve.Collect(IEnumerable{string}, IReadOnlyList{string})"/>.</param>
    /// <param name="metric">The primary metric (e.g. best_val_test_error), compared with the baseline.</param>
    /// <param name="differences">The primary metric's differences from the baseline, from <see cref="LearningCurve.Differences"/>.</param>
    /// <param name="baseline">The variant each method is compared with, paired by seed.</param>
    public static string Markdown(IReadOnlyDictionary<string, IReadOnlyList<CurvePoint>> points, string metric, IReadOnlyList<CurveDifference> differences, string baseline)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(differences);
        var validation = points["best_val_error"];
        var primary = points[metric];
        var others = Columns.Where(col => col.Metric != metric).Select(col => (col.Header, col.Spread, Points: points[col.Metric], Format: CellFormat(col.Metric))).ToList();
        var c = CultureInfo.InvariantCulture;
        var (scale, digits, unit) = CellFormat(metric);
        var validationFormat = CellFormat("best_val_error");
        string signed = digits == "F2" ? "+0.00;−0.00;0.00" : "+0.000;−0.000;0.000";
        var (quantity, weights) = LearningCurve.Label(metric);
        string title = weights is null ? quantity : $"{quantity} ({weights})";
        var sb = new StringBuilder();
        foreach (var size in validation.GroupBy(p => p.Size).OrderBy(g => g.Key))
        {
            var rows = size.OrderBy(p => p.Variant == baseline ? 0 : 1).ThenBy(p => p.Mean).ThenBy(p => p.Variant, StringComparer.Ordinal).ToList();
            sb.AppendLine(c, $"**{size.Key:N0} training images**").AppendLine();
            sb.Append(c, $"| method | runs | validation error | {title} | − {baseline}{(digits == "F2" ? ", points" : string.Empty)} (95% CI) | Holm p |");
            sb.AppendJoin(string.Empty, others.Select(o => $" {o.Header} |")).AppendLine();
            sb.Append("|---|---:|---:|---:|---:|---:|").AppendJoin(string.Empty, others.Select(_ => "---:|")).AppendLine();
            foreach (var row in rows)
            {
                var value = primary.FirstOrDefault(p => p.Variant == row.Variant && p.Size == size.Key);
                var difference = differences.FirstOrDefault(d => d.Variant == row.Variant && d.Size == size.Key);
                string versus = difference is null || double.IsNaN(difference.Test.PValue) ? "–"
                    : $"{(difference.Test.MeanDifference * scale).ToString(signed, c)} ({(difference.Test.Low * scale).ToString(signed, c)}, {(difference.Test.High * scale).ToString(signed, c)})";
                string holm = difference is null || double.IsNaN(difference.HolmP) ? "–" : difference.HolmP.ToString("0.000", c);
                sb.Append(c, $"| {row.Variant} | {row.Values.Count} | {Spread(row, validationFormat.Factor, validationFormat.Digits, validationFormat.Unit)} | {Spread(value, scale, digits, unit)} | {versus} | {holm} |");
                foreach (var other in others)
                {
                    var point = other.Points.FirstOrDefault(p => p.Variant == row.Variant && p.Size == size.Key);
                    var (factor, places, otherUnit) = other.Format;
                    sb.Append(' ').Append(other.Spread ? Spread(point, factor, places, otherUnit) : Mean(point, factor, places, otherUnit)).Append(" |");
                }

                sb.AppendLine();
            }

            sb.AppendLine();
        }

        return sb.ToString();
    }

    /// <summary>How a metric's cells are written: rates in percent with two decimals, the rest (NLL) as they are with three.</summary>
    private static (double Factor, string Digits, string Unit) CellFormat(string metric) =>
        Comparison.IsRate(metric) ? (LearningCurve.Scale(metric), "F2", "%") : (LearningCurve.Scale(metric), "F3", string.Empty);

    /// <summary>"mean ± sd" of a point (the mean alone for one run, "–" for none).</summary>
    private static string Spread(CurvePoint? point, double factor, string digits, string unit) =>
        point is null || point.Values.Count == 0 ? "–"
        : point.Values.Count == 1 ? Mean(point, factor, digits, unit)
        : (point.Mean * factor).ToString(digits, CultureInfo.InvariantCulture) + " ± " + (point.StandardDeviation * factor).ToString(digits, CultureInfo.InvariantCulture) + unit;

    /// <summary>The mean of a point ("–" for none).</summary>
    private static string Mean(CurvePoint? point, double factor, string digits, string unit) =>
        point is null || point.Values.Count == 0 ? "–" : (point.Mean * factor).ToString(digits, CultureInfo.InvariantCulture) + unit;
}
