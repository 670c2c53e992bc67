using System;
using System.IO;
using System.Linq;
using MixupSharp.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Sinks;

/// <summary>
/// TensorBoard, through TorchSharp's <c>torch.utils.tensorboard.SummaryWriter</c> (one event file per sitting in the run
/// folder): every epoch's scalars (loss, learning rate, speed, test error, NLL, ECE, per-class accuracy, memorization),
/// a histogram of every parameter at most <see cref="MaxHistogramEpochs"/> times a run (see <see cref="WritesHistograms"/>),
/// and the augmented-samples picture once per sitting.
/// </summary>
public sealed class TensorBoardSink : ITrainingSink
{
    private TorchSharp.Modules.SummaryWriter? _writer;
    private StagedModel? _model;
    private string? _samples;

    /// <summary>The most epochs of a run that get weight histograms.</summary>
    public const int MaxHistogramEpochs = 50;

    /// <summary>
    /// Whether epoch <paramref name="epoch"/> (1-based) of <paramref name="epochs"/> gets weight histograms: every
    /// ⌈epochs / <see cref="MaxHistogramEpochs"/>⌉-th epoch and the last. Histograms of every parameter cost more than
    /// an epoch of a small training set (0.3 s for SeedNet's 3.8 M parameters, where 1,000 images train in 0.8 s), and
    /// TensorBoard shows their trend as well from 50 points as from 200.
    /// </summary>
    public static bool WritesHistograms(int epoch, int epochs)
    {
        int every = Math.Max(1, (epochs + MaxHistogramEpochs - 1) / MaxHistogramEpochs);
        return epoch % every == 0 || epoch >= epochs;
    }

    /// <inheritdoc />
    public void OnStart(TrainingStart start)
    {
        _writer = torch.utils.tensorboard.SummaryWriter(start.Folder.Path);
        _model = start.Model;
        _samples = start.Folder.SamplesPlotPath;
        if (File.Exists(_samples))
        {
            // The picture the plot sink drew just before (sinks run in order); its step is the sitting's first epoch.
            _writer.add_img("augmented_samples", _samples, start.CompletedEpochs + 1, WallTime());
        }
    }

    /// <inheritdoc />
    public void OnEpoch(EpochReport report)
    {
        if (_writer is null)
        {
            return;
        }

        var m = report.Metrics;
        long? time = WallTime();
        void Scalar(string tag, double value)
        {
            // A set not evaluated this epoch (the test set between the ends of a run with a validation set) has no point.
            if (!double.IsNaN(value))
            {
                _writer.add_scalar(tag, (float)value, m.Epoch, time);
            }
        }

        if (m.TrainError is { } trainError)
        {
            Scalar("train/error", trainError);
        }

        if (m.Validation is { } v)
        {
            Scalar("validation/error", v.Error);
            Scalar("validation/nll", v.Nll);
            Scalar("validation/ece", v.Ece);
        }

        Scalar("train/loss", m.TrainLoss);
        Scalar("train/learning_rate", m.LearningRate);
        Scalar("train/images_per_second", m.ImagesPerSecond);
        Scalar("test/error", m.Test.Error);
        Scalar("test/nll", m.Test.Nll);
        Scalar("test/ece", m.Test.Ece);
        if (m.MemorizedFraction is { } fraction)
        {
            Scalar("train/memorized_flipped_fraction", fraction);
        }

        for (int k = 0; k < m.Test.PerClassAccuracy.Count && k < report.ClassNames.Count; k++)
        {
            if (double.IsFinite(m.Test.PerClassAccuracy[k]))
            {
                Scalar($"test/accuracy/{report.ClassNames[k]}", m.Test.PerClassAccuracy[k]);
            }
        }

        if (_model is not null && WritesHistograms(m.Epoch, report.Epochs))
        {
            using var scope = torch.NewDisposeScope();
            foreach (var (name, parameter) in _model.named_parameters())
            {
                _writer.add_histogram($"weights/{name}", parameter.detach().cpu().flatten(), m.Epoch, walltime: time);
            }
        }
    }

    /// <summary>Seconds since the Unix epoch, as TensorBoard reads an event's wall time (TorchSharp's default writes 0).</summary>
    private static long? WallTime() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
