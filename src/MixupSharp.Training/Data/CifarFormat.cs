using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Data;

/// <summary>
/// Reads the binary versions of CIFAR-10 (<c>cifar-10-batches-bin/</c>: per record 1 label byte then 3072 bytes of
/// R, G, B planes) and CIFAR-100 (<c>cifar-100-binary/</c>: coarse and fine label bytes, then 3072 bytes).
/// </summary>
public static class CifarFormat
{
    /// <summary>The bytes of one 32×32×3 image.</summary>
    public const int ImageBytes = 3072;

    /// <summary>The folder name inside the CIFAR-10 archive.</summary>
    public const string Cifar10Folder = "cifar-10-batches-bin";

    /// <summary>The folder name inside the CIFAR-100 archive.</summary>
    public const string Cifar100Folder = "cifar-100-binary";

    /// <summary>Loads CIFAR-10's training set (data_batch_1..5.bin) or test set (test_batch.bin) with its class names.</summary>
    /// <param name="directory">The folder holding <c>cifar-10-batches-bin/</c>, or that folder itself.</param>
    /// <param name="train">The training split when true, else the test split.</param>
    public static InMemoryDataset LoadCifar10(string directory, bool train)
    {
        string folder = Resolve(directory, Cifar10Folder, "batches.meta.txt");
        var files = train ? Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").ToArray() : new[] { "test_batch.bin" };
        var names = ReadNames(Path.Combine(folder, "batches.meta.txt"), 10);
        var (images, labels) = ReadRecords(files.Select(f => Path.Combine(folder, f)).ToArray(), labelBytes: 1, labelIndex: 0, numClasses: 10);
        return new InMemoryDataset(train ? "cifar10/train" : "cifar10/test", images, labels, names);
    }

    /// <summary>Loads CIFAR-100's training (train.bin) or test (test.bin) set, with fine labels (100 classes) or coarse ones (20).</summary>
    /// <param name="directory">The folder holding <c>cifar-100-binary/</c>, or that folder itself.</param>
    /// <param name="train">The training split when true, else the test split.</param>
    /// <param name="coarse">Use the 20 coarse superclasses instead of the 100 fine classes.</param>
    public static InMemoryDataset LoadCifar100(string directory, bool train, bool coarse = false)
    {
        string folder = Resolve(directory, Cifar100Folder, "fine_label_names.txt");
        int numClasses = coarse ? 20 : 100;
        var names = ReadNames(Path.Combine(folder, coarse ? "coarse_label_names.txt" : "fine_label_names.txt"), numClasses);
        var (images, labels) = ReadRecords(new[] { Path.Combine(folder, train ? "train.bin" : "test.bin") }, labelBytes: 2, labelIndex: coarse ? 0 : 1, numClasses);
        return new InMemoryDataset($"cifar100{(coarse ? "-coarse" : "")}/{(train ? "train" : "test")}", images, labels, names);
    }

    /// <summary>Writes records in the official layout (for tests and tools): each record is the label bytes then 3072 image bytes.</summary>
    public static void WriteRecords(string path, IReadOnlyList<byte[]> labelBytes, IReadOnlyList<byte[]> images)
    {
        using var file = File.Create(path);
        for (int i = 0; i < images.Count; i++)
        {
            if (images[i].Length != ImageBytes)
            {
                throw new ArgumentException($"image {i} has {images[i].Length} bytes; CIFAR images have {ImageBytes}.", nameof(images));
            }

            file.Write(labelBytes[i]);
            file.Write(images[i]);
        }
    }

    /// <summary>Finds the dataset folder: <paramref name="directory"/> itself when it holds <paramref name="marker"/>, else its child <paramref name="folder"/>.</summary>
    internal static string Resolve(string directory, string folder, string marker)
    {
        if (File.Exists(Path.Combine(directory, marker)))
        {
            return directory;
        }

        string child = Path.Combine(directory, folder);
        if (File.Exists(Path.Combine(child, marker)))
        {
            return child;
        }

        throw new DatasetFormatException(directory, $"no {folder}/ here: expected {Path.Combine(child, marker)} (or {marker} in the folder itself).");
    }

    private static string[] ReadNames(string path, int expected)
    {
        if (!File.Exists(path))
        {
            throw new DatasetFormatException(path, "the class-names file does not exist.");
        }

        var names = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (names.Length != expected)
        {
            throw new DatasetFormatException(path, $"expected {expected} class names, found {names.Length}.");
        }

        return names;
    }

    private static (Tensor Images, Tensor Labels) ReadRecords(string[] files, int labelBytes, int labelIndex, int numClasses)
    {
        int record = labelBytes + ImageBytes;
        var parts = new List<byte[]>();
        long total = 0;
        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                throw new DatasetFormatException(file, "the split file does not exist (is the download complete?).");
            }

            byte[] bytes = File.ReadAllBytes(file);
            if (bytes.Length == 0 || bytes.Length % record != 0)
            {
                throw new DatasetFormatException(file, $"the size {bytes.Length} bytes is not a whole number of {record}-byte records ({bytes.Length / record} whole records and {bytes.Length % record} bytes left over): truncated or not CIFAR binary.");
            }

            parts.Add(bytes);
            total += bytes.Length / record;
        }

        using var scope = torch.NewDisposeScope();
        var all = torch.cat(parts.Select(p => torch.tensor(p, dtype: ScalarType.Byte).reshape(-1, record)).ToArray(), 0);
        var labels = all.select(1, labelIndex).to_type(ScalarType.Int64);
        long max = labels.max().item<long>();
        if (max >= numClasses)
        {
            long row = labels.ge(numClasses).nonzero()[0, 0].item<long>();
            long bad = labels[row].item<long>();
            string file = files[0];
            foreach (var (p, f) in parts.Zip(files))
            {
                long count = p.Length / record;
                if (row < count)
                {
                    file = f;
                    break;
                }

                row -= count;
            }

            throw new DatasetFormatException(file, $"record {row} has label {bad}; labels must be in [0, {numClasses}).");
        }

        var images = all.narrow(1, labelBytes, ImageBytes).reshape(total, 3, 32, 32).contiguous();
        return (images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }
}
