using System;
using System.Collections.Generic;
using MixupSharp.Distortion;
using MixupSharp.Training.Data;
using MixupSharp.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training;

/// <summary>
/// Judges a model on a dataset: in evaluation mode, without gradients, in batches, through the run's normalization
/// (the one place evaluation normalizes). The model is back in training mode afterwards.
/// </summary>
public static class Evaluator
{
    /// <summary>Error, NLL, ECE, reliability bins and per-class accuracy on <paramref name="data"/>.</summary>
    public static EvaluationResult Evaluate(StagedModel model, ImageDataset data, Normalize normalize, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var (logits, labels) = Predict(model, data, normalize, device);
        return Evaluation.FromLogits(logits, labels, data.NumClasses);
    }

    /// <summary>
    /// Metrics on the images after a fast-gradient-sign attack of size <paramref name="epsilon"/> (pixel units, images
    /// in [0, 1]), each batch attacked through the model in evaluation mode.
    /// </summary>
    public static EvaluationResult EvaluateUnderFgsm(StagedModel model, ImageDataset data, Normalize normalize, Device device, double epsilon)
    {
        using var scope = torch.NewDisposeScope();
        var (logits, labels) = Predict(model, data, normalize, device, (images, truth) => Fgsm.Perturb(x => model.call(normalize.Transform(x)), images, truth, epsilon));
        return Evaluation.FromLogits(logits, labels, data.NumClasses);
    }

    /// <summary>The fraction of flipped training samples the model predicts with their (wrong) noisy label.</summary>
    public static double Memorized(StagedModel model, ImageDataset train, Tensor flipped, Normalize normalize, Device device)
    {
        if (flipped.shape[0] == 0)
        {
            return 0;
        }

        using var subset = train.Select(flipped);
        using var scope = torch.NewDisposeScope();
        var (logits, labels) = Predict(model, subset, normalize, device);
        return (logits.argmax(1) == labels).to_type(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>The logits and labels of a whole dataset, on the CPU, in evaluation mode and through the run's normalization.</summary>
    public static (Tensor Logits, Tensor Labels) Logits(StagedModel model, ImageDataset data, Normalize normalize, Device device) =>
        Predict(model, data, normalize, device);

    /// <summary>
    /// Logits and labels of a whole dataset (on the CPU), in batches of 512; <paramref name="attack"/>, when given,
    /// replaces each batch of [0, 1] images (with its labels) before the forward pass.
    /// </summary>
    private static (Tensor Logits, Tensor Labels) Predict(StagedModel model, ImageDataset data, Normalize normalize, Device device, Func<Tensor, Tensor, Tensor>? attack = null)
    {
        model.eval();
        try
        {
            var loader = new BatchLoader(data, new BatchLoaderOptions { BatchSize = attack is null ? 512 : 256, Shuffle = false, Device = device, Prefetch = 1 });
            var logits = new List<Tensor>();
            var labels = new List<Tensor>();
            foreach (var batch in loader.Epoch())
            {
                using (batch)
                {
                    var images = attack is null ? batch.Images : attack(batch.Images, batch.Labels);
                    using (torch.no_grad())
                    {
                        logits.Add(model.call(normalize.Transform(images)).cpu());
                        labels.Add(batch.Labels.cpu());
                    }

                    if (attack is not null)
                    {
                        images.Dispose();
                    }
                }
            }

            return (torch.cat(logits.ToArray(), 0), torch.cat(labels.ToArray(), 0));
        }
        finally
        {
            model.train();
        }
    }
}
