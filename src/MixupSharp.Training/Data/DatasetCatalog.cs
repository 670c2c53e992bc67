using System;
using System.Collections.Generic;
using System.Linq;

namespace MixupSharp.Training.Data;

/// <summary>The datasets MixupSharp knows by name.</summary>
public enum DatasetKind
{
    /// <summary>Fashion-MNIST: 60k/10k 28×28 gray images, 10 classes.</summary>
    FashionMnist,

    /// <summary>MNIST digits: 60k/10k 28×28 gray images, 10 classes.</summary>
    Mnist,

    /// <summary>CIFAR-10: 50k/10k 32×32 color images, 10 classes.</summary>
    Cifar10,

    /// <summary>CIFAR-100: 50k/10k 32×32 color images, 100 fine (or 20 coarse) classes.</summary>
    Cifar100,
}

/// <summary>One file of a dataset's official distribution: where it is published and its published checksum.</summary>
/// <param name="FileName">The file name.</param>
/// <param name="Url">The official address.</param>
/// <param name="Md5">The published MD5 (lowercase hex), or null.</param>
/// <param name="Sha256">A SHA-256 (lowercase hex), or null.</param>
/// <param name="IsArchive">Whether the file is a .tar.gz to extract.</param>
public sealed record DatasetFile(string FileName, Uri Url, string? Md5, string? Sha256, bool IsArchive);

/// <summary>The official addresses and published checksums (those torchvision verifies) of each dataset.</summary>
public static class DatasetCatalog
{
    private const string FashionBase = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
    private const string MnistBase = "https://ossci-datasets.s3.amazonaws.com/mnist/";

    /// <summary>The files to download for <paramref name="kind"/>.</summary>
    public static IReadOnlyList<DatasetFile> Files(DatasetKind kind) => kind switch
    {
        DatasetKind.FashionMnist => Idx(FashionBase, "8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe", "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310"),
        DatasetKind.Mnist => Idx(MnistBase, "f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432", "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c"),
        DatasetKind.Cifar10 => new[] { new DatasetFile("cifar-10-binary.tar.gz", new Uri("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"), "c32a1d4ab5d03f1284b67883e8d87530", null, true) },
        DatasetKind.Cifar100 => new[] { new DatasetFile("cifar-100-binary.tar.gz", new Uri("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"), "03b5dce01913d631647c71ecec9e9cb8", null, true) },
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown dataset"),
    };

    /// <summary>The name used on the command line and for cache folders, e.g. "fashion-mnist".</summary>
    public static string Name(DatasetKind kind) => kind switch
    {
        DatasetKind.FashionMnist => "fashion-mnist",
        DatasetKind.Mnist => "mnist",
        DatasetKind.Cifar10 => "cifar10",
        _ => "cifar100",
    };

    /// <summary>Parses a command-line name ("fashion-mnist", "mnist", "cifar10", "cifar100").</summary>
    public static DatasetKind Parse(string name)
    {
        foreach (var kind in Enum.GetValues<DatasetKind>())
        {
            if (Name(kind).Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return kind;
            }
        }

        throw new ArgumentException($"unknown dataset '{name}'; expected one of {string.Join(", ", Enum.GetValues<DatasetKind>().Select(Name))}.", nameof(name));
    }

    private static DatasetFile[] Idx(string baseUrl, params string[] md5) =>
        MnistFormat.FileStems.Select((stem, i) => new DatasetFile(stem + ".gz", new Uri(baseUrl + stem + ".gz"), md5[i], null, false)).ToArray();
}
