using System;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Data;

/// <summary>Which IDX dataset: the digits or Zalando's clothes.</summary>
public enum MnistVariant
{
    /// <summary>MNIST handwritten digits.</summary>
    Mnist,

    /// <summary>Fashion-MNIST (Xiao, Rasul and Vollgraf 2017).</summary>
    FashionMnist,
}

/// <summary>Loads MNIST and Fashion-MNIST from their four IDX files (<c>{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]</c>).</summary>
public static class MnistFormat
{
    /// <summary>Fashion-MNIST's class names, by label.</summary>
    public static readonly string[] FashionClassNames = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };

    /// <summary>MNIST's class names, by label.</summary>
    public static readonly string[] DigitClassNames = Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The four file stems: train images, train labels, test images, test labels.</summary>
    public static readonly string[] FileStems = { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" };

    /// <summary>Loads one split.</summary>
    /// <param name="directory">The folder holding the IDX files (raw or .gz).</param>
    /// <param name="variant">MNIST or Fashion-MNIST (sets the class names).</param>
    /// <param name="train">The training split when true, else the test split.</param>
    /// <exception cref="DatasetFormatException">A file is missing, truncated or corrupt, counts differ, or a label is out of range.</exception>
    public static InMemoryDataset Load(string directory, MnistVariant variant, bool train)
    {
        string images = Find(directory, train ? FileStems[0] : FileStems[2]);
        string labelsPath = Find(directory, train ? FileStems[1] : FileStems[3]);
        var pixels = IdxFormat.ReadImages(images);
        Tensor labels;
        try
        {
            labels = IdxFormat.ReadLabels(labelsPath);
        }
        catch
        {
            pixels.Dispose();
            throw;
        }

        try
        {
            if (labels.shape[0] != pixels.shape[0])
            {
                throw new DatasetFormatException(labelsPath, $"holds {labels.shape[0]} labels but {Path.GetFileName(images)} holds {pixels.shape[0]} images.");
            }

            long max = labels.shape[0] == 0 ? 0 : labels.max().item<long>();
            if (max >= 10)
            {
                throw new DatasetFormatException(labelsPath, $"has label {max}; labels must be in [0, 10).");
            }

            string prefix = variant == MnistVariant.FashionMnist ? "fashion-mnist" : "mnist";
            return new InMemoryDataset($"{prefix}/{(train ? "train" : "test")}", pixels, labels, variant == MnistVariant.FashionMnist ? FashionClassNames : DigitClassNames);
        }
        catch
        {
            pixels.Dispose();
            labels.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="directory"/> holds all four files of the dataset (raw or .gz).</summary>
    public static bool IsPresent(string directory) => FileStems.All(stem => TryFind(directory, stem) is not null);

    private static string Find(string directory, string stem) =>
        TryFind(directory, stem) ?? throw new DatasetFormatException(Path.Combine(directory, stem + ".gz"), $"missing split file: neither {stem} nor {stem}.gz is in {directory}.");

    private static string? TryFind(string directory, string stem)
    {
        foreach (var name in new[] { stem + ".gz", stem })
        {
            string path = Path.Combine(directory, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
