using System;
using System.Collections.Generic;
using MixupSharp.Distortion;
using MixupSharp.Pipelines;
using MixupSharp.Training.Data;
using MixupSharp.Training.Options;
using MixupSharp.Training.Runs;
using static TorchSharp.torch;

namespace MixupSharp.Training.Sinks;

/// <summary>What a sink learns when a sitting starts (a new run, or a resumed one).</summary>
/// <param name="Options">The run's options.</param>
/// <param name="Folder">The run folder.</param>
/// <param name="CompletedEpochs">Epochs completed before this sitting (0 for a new run).</param>
/// <param name="Train">The training set as trained on.</param>
/// <param name="Pipeline">The per-batch pipeline with the method on.</param>
/// <param name="Normalize">The normalization (the pipeline's last step).</param>
/// <param name="Device">Where the batches live.</param>
/// <param name="Model">The model being trained (for sinks that look at its weights; they must not change it).</param>
public sealed record TrainingStart(TrainingOptions Options, RunFolder Folder, int CompletedEpochs, ImageDataset Train, AugmentationPipeline Pipeline, Normalize Normalize, Device Device, Models.StagedModel Model);

/// <summary>One training step, reported after the optimizer step.</summary>
/// <param name="Epoch">The 0-based epoch.</param>
/// <param name="Epochs">The run's epochs.</param>
/// <param name="Step">Steps done in this epoch.</param>
/// <param name="Steps">Steps per epoch.</param>
/// <param name="MeanLoss">The epoch's mean training loss so far.</param>
/// <param name="ImagesPerSecond">The epoch's training speed so far.</param>
/// <param name="Elapsed">The epoch's training time so far.</param>
public sealed record StepReport(int Epoch, int Epochs, long Step, long Steps, double MeanLoss, double ImagesPerSecond, TimeSpan Elapsed);

/// <summary>One completed epoch.</summary>
/// <param name="Metrics">Its metrics.</param>
/// <param name="ClassNames">The class names, in label order.</param>
/// <param name="Epochs">The run's epochs.</param>
public sealed record EpochReport(EpochMetrics Metrics, IReadOnlyList<string> ClassNames, int Epochs);

/// <summary>
/// Receives what the training loop reports: the loop trains and checkpoints, sinks record (files, TensorBoard, plots,
/// console, memory housekeeping). Sinks are called in the order given; a sink that throws stops the run.
/// </summary>
public interface ITrainingSink : IDisposable
{
    /// <summary>A sitting starts.</summary>
    void OnStart(TrainingStart start)
    {
    }

    /// <summary>A step finished.</summary>
    void OnStep(StepReport step)
    {
    }

    /// <summary>An epoch finished and was evaluated; called before its checkpoint is written.</summary>
    void OnEpoch(EpochReport report)
    {
    }

    /// <summary>The epoch's checkpoint and summary.json are written.</summary>
    void OnEpochSaved(EpochReport report)
    {
    }

    /// <summary>Free-form information (data found, resume point, checkpoint saved).</summary>
    void OnInfo(string message)
    {
    }

    /// <inheritdoc />
    void IDisposable.Dispose()
    {
    }
}
