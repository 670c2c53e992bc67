using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace MixupSharp.Training.Runs;

/// <summary>
/// metrics.csv: one row per completed epoch (the column names are the file's contract with plots, compare and the
/// golden-run tests), then one accuracy column per class.
/// </summary>
public static class MetricsTable
{
    /// <summary>The columns before the per-class accuracies, in order.</summary>
    public static readonly string[] Columns =
    {
        "epoch", "lr", "train_loss", "test_error", "test_nll", "test_ece", "images_per_second", "epoch_seconds", "peak_memory_mb", "memorized_fraction",
    };

    /// <summary>The validation columns, after <see cref="Columns"/> in runs with a validation set (absent otherwise).</summary>
    public static readonly string[] ValidationColumns = { "val_error", "val_nll", "val_ece" };

    /// <summary>The training-error column (runs with <c>--train-error-every</c>), after the validation columns.</summary>
    public const string TrainErrorColumn = "train_error";

    /// <summary>The weights' moving average (runs with <c>--model-ema</c>), after the training error: test, then validation.</summary>
    public static readonly string[] EmaColumns = { "ema_test_error", "ema_test_nll", "ema_test_ece" };

    /// <summary>The moving average's validation columns (runs with <c>--model-ema</c> and a validation set).</summary>
    public static readonly string[] EmaValidationColumns = { "ema_val_error", "ema_val_nll", "ema_val_ece" };

    /// <summary>The rows of <paramref name="path"/> as numbers by column (empty cells are NaN); none when there is no file.</summary>
    public static IReadOnlyList<Dictionary<string, double>> Read(string path)
    {
        if (!File.Exists(path))
        {
            return Array.Empty<Dictionary<string, double>>();
        }

        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0)
        {
            return Array.Empty<Dictionary<string, double>>();
        }

        var header = lines[0].Split(',');
        return lines.Skip(1).Select(line => Row(header, line.Split(','))).ToList();
    }

    /// <summary>One epoch's row as the numbers <see cref="Read"/> would give back.</summary>
    public static Dictionary<string, double> Row(EpochMetrics m, IReadOnlyList<string> classNames)
    {
        var header = Header(classNames, m).Split(',');
        return Row(header, Cells(m).Split(','));
    }

    /// <summary>Appends an epoch's row, writing the header first when the file is new.</summary>
    public static void Append(string path, EpochMetrics m, IReadOnlyList<string> classNames)
    {
        var sb = new StringBuilder();
        if (!File.Exists(path))
        {
            sb.AppendLine(Header(classNames, m));
        }

        sb.AppendLine(Cells(m));
        File.AppendAllText(path, sb.ToString());
    }

    /// <summary>Drops the rows of epochs after <paramref name="completedEpochs"/> (written by a sitting that then crashed).</summary>
    public static void Truncate(string path, int completedEpochs)
    {
        if (!File.Exists(path))
        {
            return;
        }

        var lines = File.ReadAllLines(path);
        var kept = lines.Take(1).Concat(lines.Skip(1).Where(l => int.TryParse(l.Split(',')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int e) && e <= completedEpochs)).ToArray();
        File.WriteAllLines(path, kept);
    }

    private static string Header(IReadOnlyList<string> classNames, EpochMetrics m) =>
        string.Join(",", Columns
            .Concat(m.Validation is not null ? ValidationColumns : Array.Empty<string>())
            .Concat(m.TrainError is not null ? new[] { TrainErrorColumn } : Array.Empty<string>())
            .Concat(m.Ema is not null ? EmaColumns : Array.Empty<string>())
            .Concat(m.Ema?.Validation is not null ? EmaValidationColumns : Array.Empty<string>())
            .Concat(classNames.Select(n => "acc_" + n.Replace(',', ' ').Replace(' ', '_'))));

    private static string Cells(EpochMetrics m)
    {
        var c = CultureInfo.InvariantCulture;
        var cells = new List<string>
        {
            m.Epoch.ToString(c), m.LearningRate.ToString("g6", c), m.TrainLoss.ToString("g6", c), Number(m.Test.Error),
            Number(m.Test.Nll), Number(m.Test.Ece), m.ImagesPerSecond.ToString("F1", c), m.EpochSeconds.ToString("F2", c),
            m.PeakMemoryMb.ToString("F1", c), m.MemorizedFraction?.ToString("g6", c) ?? string.Empty,
        };
        if (m.Validation is { } v)
        {
            cells.AddRange(new[] { Number(v.Error), Number(v.Nll), Number(v.Ece) });
        }

        if (m.TrainError is { } t)
        {
            cells.Add(Number(t));
        }

        if (m.Ema is { } ema)
        {
            cells.AddRange(new[] { Number(ema.Test.Error), Number(ema.Test.Nll), Number(ema.Test.Ece) });
            if (ema.Validation is { } ev)
            {
                cells.AddRange(new[] { Number(ev.Error), Number(ev.Nll), Number(ev.Ece) });
            }
        }

        cells.AddRange(m.Test.PerClassAccuracy.Select(a => double.IsNaN(a) ? string.Empty : a.ToString("g6", c)));
        return string.Join(",", cells);
    }

    // A metric not measured this epoch (the test set of a run with a validation set, between its ends) is an empty cell.
    private static string Number(double value) => double.IsNaN(value) ? string.Empty : value.ToString("g6", CultureInfo.InvariantCulture);

    private static Dictionary<string, double> Row(string[] header, string[] cells)
    {
        var row = new Dictionary<string, double>();
        for (int i = 0; i < header.Length && i < cells.Length; i++)
        {
            row[header[i]] = double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN;
        }

        return row;
    }
}
