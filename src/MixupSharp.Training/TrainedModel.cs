using System;
using MixupSharp.Distortion;
using MixupSharp.Training.Models;
using MixupSharp.Training.Options;
using MixupSharp.Training.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training;

/// <summary>A run's trained model, ready to evaluate: its options, the model (evaluation mode) and its normalization.</summary>
/// <param name="Options">The run's resolved options.</param>
/// <param name="Model">The model with the checkpoint's weights; the caller disposes it.</param>
/// <param name="Normalize">The normalization it trained with.</param>
public sealed record TrainedModel(TrainingOptions Options, StagedModel Model, Normalize Normalize)
{
    /// <summary>The image channels the model takes.</summary>
    public int Channels { get; init; }

    /// <summary>The square image size the model was trained at.</summary>
    public int ImageSize { get; init; }

    /// <summary>The run folder it was loaded from.</summary>
    public string Folder { get; init; } = string.Empty;

    /// <summary>The class names, in logit order.</summary>
    public System.Collections.Generic.IReadOnlyList<string> ClassNames { get; init; } = Array.Empty<string>();

    /// <summary>The model of a run folder (config.json and the weights of checkpoint.bin) on <paramref name="device"/>.</summary>
    /// <param name="runDir">The run folder.</param>
    /// <param name="device">Where the model goes.</param>
    /// <param name="ema">Load the weights' moving average instead (a run trained with <c>--model-ema</c>).</param>
    public static TrainedModel Load(string runDir, Device device, bool ema = false)
    {
        var folder = new RunFolder(runDir);
        var config = folder.ReadConfig();
        var options = config.Options;
        bool colour = options.Dataset is TrainingDataset.Cifar10 or TrainingDataset.Cifar100;
        int channels = config.ImageShape is { } shape ? (int)shape[0] : colour ? 3 : 1;
        int size = config.ImageShape is { } s ? (int)s[1] : colour ? 32 : 28;
        var normalize = config.Normalization is { } n ? new Normalize(n.Mean, n.Std) : RunData.RecomputedNormalization(options);
        var model = ModelFactory.Create(options.Model, channels, size, config.Classes.Count, dropPath: options.DropPath);
        try
        {
            if (ema && options.ModelEma is null)
            {
                throw new ArgumentException($"{runDir} was not trained with --model-ema, so it has no moving average to load.");
            }

            // The weights alone: the optimizer's block is skipped (it may hold groups of a method's own modules, which
            // evaluation and export leave out: they take the classifier only).
            using var average = ema ? ModelFactory.Create(options.Model, channels, size, config.Classes.Count, dropPath: options.DropPath) : null;
            Checkpoint.Load(folder.CheckpointPath, model, optimizer: null, average);
            if (average is not null)
            {
                var averaged = average.state_dict();
                using (torch.no_grad())
                {
                    foreach (var (name, tensor) in model.state_dict())
                    {
                        tensor.copy_(averaged[name]);
                    }
                }
            }

            model.to(device);
            model.eval();
            return new TrainedModel(options, model, normalize) { Channels = channels, ImageSize = size, ClassNames = config.Classes, Folder = runDir };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
