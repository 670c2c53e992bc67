using System;
using System.Collections.Generic;
using System.Linq;
using MixupSharp.Training.Reports;
using MixupSharp.Training.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Sinks;

/// <summary>
/// The run folder's pictures: augmented-samples.png when a sitting starts, learning-curves.png and reliability.png at
/// every epoch end. The curves are drawn from the rows kept in memory (read once from metrics.csv on resume).
/// </summary>
public sealed class PlotSink : ITrainingSink
{
    private readonly List<Dictionary<string, double>> _rows = new();
    private RunFolder? _folder;

    /// <inheritdoc />
    public void OnStart(TrainingStart start)
    {
        _folder = start.Folder;
        _rows.AddRange(start.Folder.ReadMetrics().Where(r => r.TryGetValue("epoch", out double e) && e <= start.CompletedEpochs));
        WriteSamples(start);
    }

    /// <inheritdoc />
    public void OnEpoch(EpochReport report)
    {
        if (_folder is null)
        {
            return;
        }

        _rows.Add(MetricsTable.Row(report.Metrics, report.ClassNames));
        RunPlots.LearningCurves(_rows, _folder.LearningCurvesPlotPath);
        if (report.Metrics.Test.Evaluated)
        {
            RunPlots.ReliabilityDiagram(report.Metrics.Test.Reliability, report.Metrics.Test.Ece, _folder.ReliabilityPlotPath);
        }
    }

    /// <summary>
    /// A grid of 16 training images after the method's augmentation (de-normalized for display), drawn with a generator
    /// of its own so the run's random streams are untouched.
    /// </summary>
    private static void WriteSamples(TrainingStart start)
    {
        using var scope = torch.NewDisposeScope();
        using var rng = new Generator((ulong)((start.Options.Seed * 2) + 4));
        long count = Math.Min(16, start.Train.Count);
        var images = start.Train.ReadImages(System.Linq.Enumerable.Range(0, (int)count).Select(i => (long)i).ToArray(), salt: -1).to(start.Device).to_type(ScalarType.Float32) / 255f;
        using var augmented = start.Pipeline.Apply(images, start.Train.Labels.narrow(0, 0, count).to(start.Device), rng);
        RunPlots.ImageGrid(start.Normalize.Inverse(augmented.Inputs), start.Folder.SamplesPlotPath);
    }
}
