using System;
using System.IO;
using System.Linq;

namespace MixupSharp.Training.Data;

/// <summary>Random-pixel CIFAR-10 files in the official binary format: load-time measurements and pipeline dry runs.</summary>
public static class RandomCifar10
{
    /// <summary>
    /// Writes CIFAR-10 binary files in the official format into root/cifar-10-batches-bin: 5 training batches of
    /// <paramref name="perBatch"/> records and a test batch of <paramref name="testCount"/>, random pixels, labels 0..9 in
    /// turn (full size by default). For load-time measurements and for dry runs of a CIFAR pipeline without the data.
    /// </summary>
    public static void Write(string root, int perBatch = 10_000, int testCount = 10_000)
    {
        if (perBatch < 1 || testCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(perBatch), $"need at least one record per batch and one test record; got {perBatch} and {testCount}.");
        }

        string dir = Path.Combine(root, CifarFormat.Cifar10Folder);
        Directory.CreateDirectory(dir);
        var random = new Random(1);
        for (int b = 1; b <= 6; b++)
        {
            int count = b == 6 ? testCount : perBatch;
            var labels = Enumerable.Range(0, count).Select(i => new[] { (byte)(i % 10) }).ToArray();
            var images = Enumerable.Range(0, count).Select(_ =>
            {
                var image = new byte[CifarFormat.ImageBytes];
                random.NextBytes(image);
                return image;
            }).ToArray();
            CifarFormat.WriteRecords(Path.Combine(dir, b == 6 ? "test_batch.bin" : $"data_batch_{b}.bin"), labels, images);
        }

        File.WriteAllLines(Path.Combine(dir, "batches.meta.txt"), new[] { "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck" });
    }
}
