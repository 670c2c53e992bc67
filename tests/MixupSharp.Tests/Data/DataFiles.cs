using System;
using System.IO;
using System.Linq;
using MixupSharp.Training.Data;

namespace MixupSharp.Tests.Data;

/// <summary>Writes small datasets in the official formats, with known contents.</summary>
public static class DataFiles
{
    /// <summary>Pixel value of image i at flat position p (deterministic).</summary>
    public static byte Pixel(int i, int p) => (byte)((i * 31 + p * 7) % 256);

    public static void WriteIdx(string dir, int trainCount, int testCount, bool gzip, int rows = 28, int cols = 28)
    {
        Directory.CreateDirectory(dir);
        string ext = gzip ? ".gz" : string.Empty;
        foreach (var (stem, count) in new[] { ("train", trainCount), ("t10k", testCount) })
        {
            var pixels = new byte[count * rows * cols];
            for (int i = 0; i < count; i++)
            {
                for (int p = 0; p < rows * cols; p++)
                {
                    pixels[(i * rows * cols) + p] = Pixel(i, p);
                }
            }

            IdxFormat.WriteImages(Path.Combine(dir, $"{stem}-images-idx3-ubyte{ext}"), pixels, count, rows, cols);
            IdxFormat.WriteLabels(Path.Combine(dir, $"{stem}-labels-idx1-ubyte{ext}"), Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray());
        }
    }

    public static byte[] CifarImage(int i) => Enumerable.Range(0, CifarFormat.ImageBytes).Select(p => Pixel(i, p)).ToArray();

    /// <summary>CIFAR-10 in <paramref name="root"/>/cifar-10-batches-bin: batches of <paramref name="perBatch"/> records, label = i % 10.</summary>
    public static string WriteCifar10(string root, int perBatch = 3, int testCount = 4)
    {
        string dir = Path.Combine(root, CifarFormat.Cifar10Folder);
        Directory.CreateDirectory(dir);
        int i = 0;
        for (int b = 1; b <= 5; b++)
        {
            var ids = Enumerable.Range(i, perBatch).ToArray();
            CifarFormat.WriteRecords(Path.Combine(dir, $"data_batch_{b}.bin"), ids.Select(k => new[] { (byte)(k % 10) }).ToArray(), ids.Select(CifarImage).ToArray());
            i += perBatch;
        }

        var test = Enumerable.Range(1000, testCount).ToArray();
        CifarFormat.WriteRecords(Path.Combine(dir, "test_batch.bin"), test.Select(k => new[] { (byte)(k % 10) }).ToArray(), test.Select(CifarImage).ToArray());
        File.WriteAllLines(Path.Combine(dir, "batches.meta.txt"), new[] { "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck", string.Empty });
        return dir;
    }

    /// <summary>CIFAR-100 in <paramref name="root"/>/cifar-100-binary: coarse = i % 20, fine = i % 100.</summary>
    public static string WriteCifar100(string root, int trainCount = 5, int testCount = 3)
    {
        string dir = Path.Combine(root, CifarFormat.Cifar100Folder);
        Directory.CreateDirectory(dir);
        foreach (var (name, count) in new[] { ("train.bin", trainCount), ("test.bin", testCount) })
        {
            var ids = Enumerable.Range(0, count).ToArray();
            CifarFormat.WriteRecords(Path.Combine(dir, name), ids.Select(k => new[] { (byte)(k % 20), (byte)((k * 7) % 100) }).ToArray(), ids.Select(CifarImage).ToArray());
        }

        File.WriteAllLines(Path.Combine(dir, "fine_label_names.txt"), Enumerable.Range(0, 100).Select(k => $"fine{k}"));
        File.WriteAllLines(Path.Combine(dir, "coarse_label_names.txt"), Enumerable.Range(0, 20).Select(k => $"coarse{k}"));
        return dir;
    }
}
