using System;
using MixupSharp.Internal;
using static TorchSharp.torch;

namespace MixupSharp.Detection;

/// <summary>Shared checks of detection ops.</summary>
internal static class DetectionChecks
{
    public static void ImagesAndBoxes(Tensor images, BoxBatch boxes, string op)
    {
        Guard.NotNull(images, nameof(images));
        Guard.NotNull(boxes, nameof(boxes));
        Guard.BatchShape(images.shape, nameof(images), $"images [N, C, H, W] for {op}", exactDims: 4);
        if (!Guard.IsFloating(images.dtype))
        {
            throw new ArgumentException($"images must be floating for {op}; got {Guard.Describe(images)}.", nameof(images));
        }

        if (boxes.Count != images.shape[0])
        {
            throw new ArgumentException($"boxes are for {boxes.Count} images but the batch has {images.shape[0]}.", nameof(boxes));
        }
    }
}
