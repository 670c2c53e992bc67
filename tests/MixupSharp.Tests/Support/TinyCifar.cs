using System;
using System.IO;
using System.Linq;
using MixupSharp.Tests.Data;

namespace MixupSharp.Tests.Support;

/// <summary>A temporary folder holding a generated CIFAR-10 of 40 training and 12 test images, deleted on dispose.</summary>
public sealed class TinyCifar : IDisposable
{
    /// <summary>Creates the folder (named with <paramref name="prefix"/>) and the data in it.</summary>
    public TinyCifar(string prefix)
    {
        Dir = Directory.CreateTempSubdirectory(prefix).FullName;
        Data = Path.Combine(Dir, "data");
        DataFiles.WriteCifar10(Data, perBatch: 8, testCount: 12);
    }

    /// <summary>The temporary folder.</summary>
    public string Dir { get; }

    /// <summary>The CIFAR-10 files.</summary>
    public string Data { get; }

    /// <summary><c>train</c> on this data with fast-resnet, batch 16 and one thread into <paramref name="outDir"/>, then <paramref name="more"/>.</summary>
    public string[] Train(string outDir, params string[] more) =>
        new[] { "train", "--dataset", "cifar10", "--data-dir", Data, "--model", "fast-resnet", "--batch-size", "16", "--threads", "1", "--out", outDir }.Concat(more).ToArray();

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
