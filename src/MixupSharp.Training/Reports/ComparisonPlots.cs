using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using MixupSharp.Training;
using MixupSharp.Training.Runs;

namespace MixupSharp.Training.Reports;

/// <summary>Overlay PNGs of a comparison: one line per variant, the mean over its seeds.</summary>
public static class ComparisonPlots
{
    /// <summary>
    /// Writes test-error.png, test-nll.png, train-loss.png and reliability.png (and memorized.png when runs have noisy
    /// labels) into <paramref name="outDir"/>; variants without any epoch yet are left out.
    /// </summary>
    /// <param name="outDir">Where the PNGs go.</param>
    /// <param name="variants">Each variant's name and its run folders.</param>
    /// <returns>The file names written (none while no run has finished an epoch).</returns>
    public static IReadOnlyList<string> Write(string outDir, IReadOnlyList<(string Variant, IReadOnlyList<string> RunDirs)> variants)
    {
        var tables = variants.Select(v => (v.Variant, Tables: v.RunDirs.Select(d => new RunFolder(d).ReadMetrics()).Where(t => t.Count > 0).ToList()))
            .Where(v => v.Tables.Count > 0).ToList();
        var written = new List<string>();
        if (tables.Count == 0)
        {
            return written;
        }

        void Plot(string column, double scale, string yLabel, string title, string file)
        {
            Overlay(tables, column, scale, yLabel, title, Path.Combine(outDir, file));
            written.Add(file);
        }

        Plot("test_error", 100, "test error (%)", "Test error per epoch (mean over seeds)", "test-error.png");
        Plot("test_nll", 1, "test NLL (nats)", "Test negative log-likelihood per epoch (mean over seeds)", "test-nll.png");
        Plot("train_loss", 1, "training loss", "Training loss per epoch (mean over seeds; on the augmented batches)", "train-loss.png");
        if (tables.Any(v => v.Tables.Any(t => t.Any(r => r.TryGetValue("memorized_fraction", out double m) && double.IsFinite(m)))))
        {
            Plot("memorized_fraction", 100, "flipped labels memorized (%)", "Memorization of the flipped training labels (mean over seeds)", "memorized.png");
        }

        Reliability(variants, Path.Combine(outDir, "reliability.png"));
        written.Add("reliability.png");
        return written;
    }

    private static void Overlay(List<(string Variant, List<IReadOnlyList<Dictionary<string, double>>> Tables)> variants, string column, double scale, string yLabel, string title, string path)
    {
        var plot = new ScottPlot.Plot();
        foreach (var (variant, tables) in variants)
        {
            int epochs = tables.Max(t => t.Count);
            var xs = new List<double>();
            var ys = new List<double>();
            for (int e = 0; e < epochs; e++)
            {
                var values = tables.Where(t => t.Count > e && t[e].TryGetValue(column, out double v) && double.IsFinite(v)).Select(t => t[e][column]).ToArray();
                if (values.Length > 0)
                {
                    xs.Add(e + 1);
                    ys.Add(values.Average() * scale);
                }
            }

            if (xs.Count > 0)
            {
                var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
                line.LegendText = variant;
            }
        }

        plot.Axes.Bottom.Label.Text = "epoch";
        plot.Axes.Left.Label.Text = yLabel;
        plot.Title(title);
        plot.ShowLegend(ScottPlot.Edge.Right);   // outside the axes: the last epochs, the ones that matter, stay visible
        SaveAtomically(plot, path, 1000, 560);
    }

    private static void Reliability(IReadOnlyList<(string Variant, IReadOnlyList<string> RunDirs)> variants, string path)
    {
        var plot = new ScottPlot.Plot();
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LinePattern = ScottPlot.LinePattern.Dashed;
        diagonal.LegendText = "perfect calibration";
        foreach (var (variant, dirs) in variants)
        {
            // Pool the last epoch's bins over seeds, weighted by their counts.
            var bins = dirs.SelectMany(d => new RunFolder(d).ReadReliability() ?? Array.Empty<ReliabilityBin>())
                .GroupBy(b => b.Lower)
                .Select(g => (Count: g.Sum(b => b.Count), Accuracy: g.Sum(b => b.Accuracy * b.Count), Confidence: g.Sum(b => b.Confidence * b.Count)))
                .Where(b => b.Count > 0).OrderBy(b => b.Confidence / b.Count).ToArray();
            if (bins.Length == 0)
            {
                continue;
            }

            var line = plot.Add.Scatter(bins.Select(b => b.Confidence / b.Count).ToArray(), bins.Select(b => b.Accuracy / b.Count).ToArray());
            line.LegendText = variant;
        }

        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.Axes.Bottom.Label.Text = "confidence (top label, mean in bin)";
        plot.Axes.Left.Label.Text = "accuracy in bin";
        plot.Title($"Reliability at the last epoch ({Evaluation.EceBins} bins, pooled over seeds)");
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        SaveAtomically(plot, path, 700, 620);
    }

    /// <summary>The overlay plots a grid's folder may hold.</summary>
    public static readonly string[] FileNames = { "test-error.png", "test-nll.png", "train-loss.png", "memorized.png", "reliability.png" };

    /// <summary>Writes the PNG beside its target and renames it over it, so a kill mid-write never leaves a truncated picture.</summary>
    private static void SaveAtomically(ScottPlot.Plot plot, string path, int width, int height) =>
        Runs.AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png));
}
