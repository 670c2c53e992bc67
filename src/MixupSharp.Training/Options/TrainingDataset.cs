using System;
using MixupSharp.Training.Data;

namespace MixupSharp.Training.Options;

/// <summary>The dataset a run trains on: a catalogued one, or an image folder with train/ and test/ class folders.</summary>
public enum TrainingDataset
{
    /// <summary>Fashion-MNIST (Xiao et al., 2017).</summary>
    FashionMnist,

    /// <summary>MNIST.</summary>
    Mnist,

    /// <summary>CIFAR-10.</summary>
    Cifar10,

    /// <summary>CIFAR-100.</summary>
    Cifar100,

    /// <summary>An image folder: <c>DataDir/train/CLASS/*.png|jpg</c> and <c>DataDir/test/CLASS/*</c>.</summary>
    Folder,

    /// <summary>List files (<c>--train-list</c>, <c>--test-list</c>): CSV lines <c>path,label</c>, streamed.</summary>
    List,
}

/// <summary>Mapping to the dataset catalog.</summary>
public static class TrainingDatasets
{
    /// <summary>The catalogued dataset, or null for an image folder.</summary>
    public static DatasetKind? CatalogKind(this TrainingDataset dataset) => dataset switch
    {
        TrainingDataset.FashionMnist => DatasetKind.FashionMnist,
        TrainingDataset.Mnist => DatasetKind.Mnist,
        TrainingDataset.Cifar10 => DatasetKind.Cifar10,
        TrainingDataset.Cifar100 => DatasetKind.Cifar100,
        TrainingDataset.Folder or TrainingDataset.List => null,
        _ => throw new ArgumentOutOfRangeException(nameof(dataset), dataset, "not a dataset"),
    };
}
