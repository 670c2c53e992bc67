using System;
using System.Collections.Generic;
using MixupSharp.Pipelines;
using static TorchSharp.torch;

namespace MixupSharp.Training.Data;

/// <summary>Applies MixupSharp augmentations to batches from TorchSharp's own <c>DataLoader</c>.</summary>
public static class DataLoaderAugmentation
{
    /// <summary>
    /// Runs <paramref name="pipeline"/> on every batch of a TorchSharp <c>DataLoader</c> (which yields dictionaries of
    /// tensors). The caller disposes each result; the loader's batch tensors are left to the loader's owner.
    /// </summary>
    /// <param name="batches">The loader, e.g. <c>torch.utils.data.DataLoader</c>.</param>
    /// <param name="pipeline">The augmentations.</param>
    /// <param name="generator">The random source.</param>
    /// <param name="inputKey">The key of the inputs in each batch. Default "data".</param>
    /// <param name="labelKey">The key of the labels in each batch. Default "label".</param>
    public static IEnumerable<PipelineResult> Augment(this IEnumerable<IReadOnlyDictionary<string, Tensor>> batches, AugmentationPipeline pipeline, Generator? generator = null, string inputKey = "data", string labelKey = "label")
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(pipeline);
        foreach (var batch in batches)
        {
            if (!batch.TryGetValue(inputKey, out var inputs) || !batch.TryGetValue(labelKey, out var labels))
            {
                throw new KeyNotFoundException($"a DataLoader batch must hold '{inputKey}' and '{labelKey}'; it holds [{string.Join(", ", batch.Keys)}].");
            }

            yield return pipeline.Apply(inputs, labels, generator);
        }
    }
}
