using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using MixupSharp.Training;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Reports;

/// <summary>PNG pictures of a run: learning curves, the reliability diagram, and grids of (augmented) images.</summary>
public static class RunPlots
{
    /// <summary>Plots train loss and test error per epoch from a run folder's metrics.csv into <paramref name="path"/>.</summary>
    public static void LearningCurves(string metricsCsv, string path)
    {
        var lines = File.ReadAllLines(metricsCsv);
        var header = lines[0].Split(',');
        int epochCol = Array.IndexOf(header, "epoch"), lossCol = Array.IndexOf(header, "train_loss"), errorCol = Array.IndexOf(header, "test_error");
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        double[] Column(int c) => rows.Select(r => double.Parse(r[c], CultureInfo.InvariantCulture)).ToArray();
        double[] epochs = Column(epochCol), loss = Column(lossCol), error = Column(errorCol).Select(e => e * 100).ToArray();

        var plot = new ScottPlot.Plot();
        var lossLine = plot.Add.Scatter(epochs, loss);
        lossLine.LegendText = "train loss";
        var errorLine = plot.Add.Scatter(epochs, error);
        errorLine.LegendText = "test error (%)";
        errorLine.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Bottom.Label.Text = "epoch";
        plot.Axes.Left.Label.Text = "train loss";
        plot.Axes.Right.Label.Text = "test error (%)";
        plot.Title("Learning curves");
        plot.ShowLegend();
        plot.SavePng(path, 900, 540);
    }

    /// <summary>Draws a reliability diagram (accuracy per confidence bin against the diagonal) with the ECE in the title.</summary>
    public static void ReliabilityDiagram(IReadOnlyList<ReliabilityBin> bins, double ece, string path)
    {
        var plot = new ScottPlot.Plot();
        var bars = bins.Select(b => new ScottPlot.Bar
        {
            Position = (b.Lower + b.Upper) / 2,
            Value = b.Count == 0 ? 0 : b.Accuracy,
            Size = (b.Upper - b.Lower) * 0.95,
        }).ToList();
        plot.Add.Bars(bars);
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LinePattern = ScottPlot.LinePattern.Dashed;
        diagonal.LegendText = "perfect calibration";
        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.Axes.Bottom.Label.Text = "confidence (top label)";
        plot.Axes.Left.Label.Text = "accuracy";
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"Reliability diagram, ECE {ece:F4} ({bins.Count} bins)"));
        plot.SavePng(path, 700, 600);
    }

    /// <summary>Writes images [N, C, H, W] with values in [0, 1] (C = 1 or 3) as one PNG grid, each pixel scaled up.</summary>
    public static void ImageGrid(Tensor images, string path, int columns = 8, int scale = 3)
    {
        if (images.shape.Length != 4 || (images.shape[1] != 1 && images.shape[1] != 3))
        {
            throw new ArgumentException($"images must be [N, 1 or 3, H, W]; got [{string.Join(", ", images.shape)}].", nameof(images));
        }

        using var scope = torch.NewDisposeScope();
        long n = images.shape[0], h = images.shape[2] * scale, w = images.shape[3] * scale;
        int cols = (int)Math.Min(columns, n), rows = (int)((n + cols - 1) / cols);
        var x = images.detach().cpu().to_type(ScalarType.Float32).clamp(0, 1);
        if (x.shape[1] == 1)
        {
            x = x.expand(n, 3, images.shape[2], images.shape[3]);
        }

        x = x.repeat_interleave(scale, 2).repeat_interleave(scale, 3);
        if (rows * cols > n)
        {
            x = torch.cat(new[] { x, torch.ones(rows * cols - n, 3, h, w) }, 0);
        }

        var tiled = x.reshape(rows, cols, 3, h, w).permute(0, 3, 1, 4, 2).reshape(rows * h, cols * w, 3);
        var rgba = torch.cat(new[] { (tiled * 255).round().to_type(ScalarType.Byte), torch.full(new[] { rows * h, cols * w, 1L }, (byte)255, dtype: ScalarType.Byte) }, 2).contiguous();
        byte[] pixels = rgba.data<byte>().ToArray();
        var info = new SKImageInfo((int)(cols * w), (int)(rows * h), SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var image = SKImage.FromPixelCopy(info, pixels);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }
}
