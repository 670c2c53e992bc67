using System;
using MixupSharp.Distortion;
using MixupSharp.Pipelines;

namespace MixupSharp.Training.Data;

/// <summary>
/// The per-dataset defaults of the standard recipes, applied per batch: random crop with padding and horizontal flip
/// for CIFAR and Fashion-MNIST, crop only for MNIST (a flipped digit is another digit), and normalization with the
/// dataset's mean and standard deviation as the last step, after any mixing or masking.
/// </summary>
public static class StandardAugmentation
{
    /// <summary>The crop/flip steps for <paramref name="kind"/>.</summary>
    public static PipelineStep[] Steps(DatasetKind kind)
    {
        var crop = PipelineStep.Of(new RandomCrop(new RandomCropOptions { Padding = kind is DatasetKind.Cifar10 or DatasetKind.Cifar100 ? 4 : 2 }));
        return kind == DatasetKind.Mnist ? new[] { crop } : new[] { crop, PipelineStep.Of(new RandomHorizontalFlip()) };
    }

    /// <summary>The normalization of <paramref name="kind"/> (training-set channel statistics).</summary>
    public static Normalize Normalization(DatasetKind kind) => kind switch
    {
        DatasetKind.Cifar10 => new Normalize(new[] { 0.4914, 0.4822, 0.4465 }, new[] { 0.2023, 0.1994, 0.2010 }),
        DatasetKind.Cifar100 => new Normalize(new[] { 0.5071, 0.4865, 0.4409 }, new[] { 0.2673, 0.2564, 0.2762 }),
        DatasetKind.FashionMnist => new Normalize(new[] { 0.2860 }, new[] { 0.3530 }),
        DatasetKind.Mnist => new Normalize(new[] { 0.1307 }, new[] { 0.3081 }),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown dataset"),
    };
}
