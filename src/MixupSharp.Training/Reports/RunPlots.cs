using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using MixupSharp.Training;
using MixupSharp.Training.Runs;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Reports;

/// <summary>PNG pictures of a run: learning curves, the reliability diagram, and grids of (augmented) images.</summary>
public static class RunPlots
{
    /// <summary>Plots train loss and test error per epoch (rows as <see cref="MetricsTable.Read"/> gives them) into <paramref name="path"/>.</summary>
    public static void LearningCurves(IReadOnlyList<Dictionary<string, double>> rows, string path)
    {
        double[] epochs = rows.Select(r => r["epoch"]).ToArray(), loss = rows.Select(r => r["train_loss"]).ToArray();

        var plot = new ScottPlot.Plot();
        var lossLine = plot.Add.Scatter(epochs, loss);
        lossLine.LegendText = "train loss";

        // Error curves on the right axis, each over the epochs it was measured in (a run with a validation set
        // evaluates the test set at its end only).
        foreach (var (column, legend) in new[] { ("val_error", "validation error (%)"), ("test_error", "test error (%)") })
        {
            var measured = rows.Where(r => r.TryGetValue(column, out double v) && !double.IsNaN(v)).ToList();
            if (measured.Count == 0)
            {
                continue;
            }

            var line = plot.Add.Scatter(measured.Select(r => r["epoch"]).ToArray(), measured.Select(r => r[column] * 100).ToArray());
            line.LegendText = legend;
            line.Axes.YAxis = plot.Axes.Right;
        }

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
        var x = ScaledRgb(images, scale);
        if (rows * cols > n)
        {
            x = torch.cat(new[] { x, torch.ones(rows * cols - n, 3, h, w) }, 0);
        }

        using var bitmap = Bitmap(x.reshape(rows, cols, 3, h, w).permute(0, 3, 1, 4, 2).reshape(rows * h, cols * w, 3));
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    /// <summary>Images [N, 1 or 3, H, W] in [0, 1] as float RGB [N, 3, H·scale, W·scale], clamped, on the CPU.</summary>
    internal static Tensor ScaledRgb(Tensor images, int scale)
    {
        var x = images.detach().cpu().to_type(ScalarType.Float32).clamp(0, 1);
        if (x.shape[1] == 1)
        {
            x = x.expand(x.shape[0], 3, x.shape[2], x.shape[3]);
        }

        return x.repeat_interleave(scale, 2).repeat_interleave(scale, 3);
    }

    /// <summary>An opaque RGBA bitmap of an RGB image [H, W, 3] with values in [0, 1].</summary>
    internal static SKBitmap Bitmap(Tensor rgb)
    {
        using var scope = torch.NewDisposeScope();
        long h = rgb.shape[0], w = rgb.shape[1];
        var rgba = torch.cat(new[] { (rgb * 255).round().to_type(ScalarType.Byte), torch.full(new[] { h, w, 1L }, (byte)255, dtype: ScalarType.Byte) }, 2).contiguous();
        var bitmap = new SKBitmap(new SKImageInfo((int)w, (int)h, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        byte[] bytes = rgba.data<byte>().ToArray();
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, bitmap.GetPixels(), bytes.Length);
        return bitmap;
    }
}
