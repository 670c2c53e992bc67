using System;
using System.Linq;
using TorchSharp;
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

        using var scope = torch.NewDisposeScope();
        long h = images.shape[2], w = images.shape[3];
        var b = boxes.Boxes.detach().cpu().to_type(ScalarType.Float64);
        var valid = boxes.Labels.cpu() >= 0;
        var outside = valid & ((b[.., .., 0] < 0) | (b[.., .., 1] < 0) | (b[.., .., 2] > w) | (b[.., .., 3] > h));
        if (outside.any().item<bool>())
        {
            var at = outside.nonzero()[0];
            long i = at[0].item<long>(), k = at[1].item<long>();
            throw new ArgumentException($"boxes[{i}, {k}] = [{string.Join(", ", b[i, k].data<double>().ToArray())}] lies outside the {w}×{h} image (x in [0, {w}], y in [0, {h}]).", nameof(boxes));
        }
    }
}
