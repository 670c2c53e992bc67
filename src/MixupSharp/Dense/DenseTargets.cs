using System;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Dense;

/// <summary>Per-pixel soft targets [N, C, H, W] from label maps [N, H, W]; ignored pixels get all-zero rows.</summary>
public static class DenseTargets
{
    /// <summary>One-hot targets per pixel; pixels equal to <paramref name="ignoreIndex"/> get an all-zero row (ignored by <see cref="Losses.DenseSoftTargetCrossEntropy"/>).</summary>
    /// <param name="labelMaps">Integer label maps [N, H, W], each value in [0, C) or equal to <paramref name="ignoreIndex"/>.</param>
    /// <param name="numClasses">The number of classes C.</param>
    /// <param name="ignoreIndex">The label of pixels to ignore (e.g. 255 or −1), or null.</param>
    /// <param name="dtype">The floating dtype of the result.</param>
    public static Tensor FromLabelMaps(Tensor labelMaps, int numClasses, long? ignoreIndex = null, ScalarType dtype = ScalarType.Float32)
    {
        Guard.NumClasses(numClasses);
        Check(labelMaps, labelMaps?.shape[0] ?? 0, null, numClasses, ignoreIndex, nameof(labelMaps));
        using var scope = torch.NewDisposeScope();
        var maps = labelMaps!.to_type(ScalarType.Int64);
        var valid = ignoreIndex is { } ignore ? maps != ignore : torch.ones_like(maps, dtype: ScalarType.Bool);
        var safe = torch.where(valid, maps, torch.zeros_like(maps));
        var hot = nn.functional.one_hot(safe, numClasses).permute(0, 3, 1, 2).to_type(dtype);
        return (hot * valid.unsqueeze(1).to_type(dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>Checks label maps [N, H, W] against a batch: integer, matching sizes, values in [0, C) or the ignore index.</summary>
    internal static void Check(Tensor? labelMaps, long n, long[]? imageShape, int numClasses, long? ignoreIndex, string name)
    {
        Guard.NotNull(labelMaps, name);
        var maps = labelMaps!;
        if (!Guard.IsInteger(maps.dtype) || maps.shape.Length != 3)
        {
            throw new ArgumentException($"{name} must be integer label maps [N, H, W]; got {Guard.Describe(maps)}.", name);
        }

        if (imageShape is not null && (maps.shape[0] != imageShape[0] || maps.shape[1] != imageShape[2] || maps.shape[2] != imageShape[3]))
        {
            throw new ArgumentException($"{name} must be [{imageShape[0]}, {imageShape[2]}, {imageShape[3]}] to match images {Guard.Shape(imageShape)}; got {Guard.Shape(maps.shape)}.", name);
        }

        using var scope = torch.NewDisposeScope();
        var values = maps.to_type(ScalarType.Int64);
        var outside = (values < 0) | (values >= numClasses);
        if (ignoreIndex is { } ignore)
        {
            outside = outside & (values != ignore);
        }

        if (outside.any().item<bool>())
        {
            long bad = values.masked_select(outside)[0].item<long>();
            throw new ArgumentOutOfRangeException(name, $"{name} must hold classes in [0, {numClasses}){(ignoreIndex is { } i ? $" or the ignore index {i}" : "")}; found {bad}.");
        }
    }
}
