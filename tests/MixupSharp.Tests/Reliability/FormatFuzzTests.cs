using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using MixupSharp.Training.Data;
using Xunit;
using Xunit.Abstractions;

namespace MixupSharp.Tests.Reliability;

/// <summary>
/// Seeded mutations of valid IDX (gzipped and raw) and CIFAR-10 files: header fields, truncation, appended bytes,
/// flipped bytes (inside the gzip stream too) and out-of-range labels. Every load either succeeds with consistent
/// shapes and labels in range, or throws the documented <see cref="DatasetFormatException"/> naming the mutated file;
/// never another exception, never a hang.
/// </summary>
public sealed class FormatFuzzTests : IDisposable
{
    private const int CasesPerFormat = 150;
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-fuzz-").FullName;
    private readonly ITestOutputHelper _log;

    public FormatFuzzTests(ITestOutputHelper log) => _log = log;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private enum Mutation
    {
        HeaderField,
        Truncate,
        Append,
        FlipBytes,
        BadLabel,
    }

    /// <summary>One mutation of <paramref name="bytes"/> (the raw file as written, compressed or not).</summary>
    private static byte[] Mutate(byte[] bytes, Mutation mutation, Random random, int headerLength, int labelOffset, int labelStride)
    {
        var b = bytes.ToArray();
        switch (mutation)
        {
            case Mutation.HeaderField:
                int at = random.Next(Math.Min(headerLength, b.Length));
                b[at] = (byte)random.Next(256);
                return b;
            case Mutation.Truncate:
                return b.Take(random.Next(b.Length)).ToArray();
            case Mutation.Append:
                return b.Concat(Enumerable.Range(0, 1 + random.Next(2000)).Select(_ => (byte)random.Next(256))).ToArray();
            case Mutation.FlipBytes:
                for (int k = 0, flips = 1 + random.Next(8); k < flips; k++)
                {
                    b[random.Next(b.Length)] ^= (byte)(1 << random.Next(8));
                }

                return b;
            default:
                int record = random.Next(Math.Max(1, (b.Length - labelOffset) / labelStride));
                int position = labelOffset + (record * labelStride);
                if (position < b.Length)
                {
                    b[position] = (byte)(10 + random.Next(246));
                }

                return b;
        }
    }

    private void Check(Func<InMemoryDataset> load, string mutatedFile, int channels, int size, Dictionary<string, int> outcomes)
    {
        try
        {
            using var data = load();
            Assert.Equal(new long[] { data.Count, channels, size, size }, data.Images.shape);
            Assert.Equal(new long[] { data.Count }, data.Labels.shape);
            if (data.Count > 0)
            {
                Assert.InRange(data.Labels.min().item<long>(), 0, data.NumClasses - 1);
                Assert.InRange(data.Labels.max().item<long>(), 0, data.NumClasses - 1);
            }

            outcomes["loaded"] = outcomes.GetValueOrDefault("loaded") + 1;
        }
        catch (DatasetFormatException e)
        {
            Assert.True(e.Message.Contains(mutatedFile, StringComparison.Ordinal) || e.Message.Contains(Path.GetDirectoryName(mutatedFile)!, StringComparison.Ordinal), $"the error does not name {mutatedFile}: {e.Message}");
            outcomes["refused"] = outcomes.GetValueOrDefault("refused") + 1;
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MutatedIdxFilesLoadConsistentlyOrAreRefusedNamingTheFile(bool gzip)
    {
        string pristine = Path.Combine(_dir, "pristine");
        DataFiles.WriteIdx(pristine, 30, 10, gzip);
        string ext = gzip ? ".gz" : string.Empty;
        var random = new Random(gzip ? 11 : 12);
        var outcomes = new Dictionary<string, int>();
        for (int i = 0; i < CasesPerFormat; i++)
        {
            string dir = Path.Combine(_dir, $"idx-{gzip}-{i}");
            Directory.CreateDirectory(dir);
            foreach (var file in Directory.GetFiles(pristine))
            {
                File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
            }

            bool labels = random.Next(2) == 0;
            string target = Path.Combine(dir, (labels ? "train-labels-idx1-ubyte" : "train-images-idx3-ubyte") + ext);
            var mutation = (Mutation)random.Next(Enum.GetValues<Mutation>().Length);
            if (mutation == Mutation.BadLabel && gzip)
            {
                mutation = Mutation.FlipBytes;   // labels inside a gzip stream are not addressable; flip its bytes instead
            }

            File.WriteAllBytes(target, Mutate(File.ReadAllBytes(target), mutation, random, headerLength: labels ? 8 : 16, labelOffset: 8, labelStride: 1));
            Check(() => MnistFormat.Load(dir, MnistVariant.FashionMnist, train: true), target, 1, 28, outcomes);
            Directory.Delete(dir, recursive: true);
        }

        _log.WriteLine($"IDX gzip={gzip}: {string.Join(", ", outcomes.Select(kv => $"{kv.Key} {kv.Value}"))}");
        Assert.True(outcomes.GetValueOrDefault("refused") > 0, "no mutation was refused: the fuzzer is not reaching the checks");
    }

    [Fact]
    public void MutatedCifarFilesLoadConsistentlyOrAreRefusedNamingTheFile()
    {
        string pristine = Path.Combine(_dir, "cifar-pristine");
        string folder = DataFiles.WriteCifar10(pristine, perBatch: 4, testCount: 4);
        var random = new Random(13);
        var outcomes = new Dictionary<string, int>();
        for (int i = 0; i < CasesPerFormat; i++)
        {
            string root = Path.Combine(_dir, $"cifar-{i}");
            string dir = Path.Combine(root, CifarFormat.Cifar10Folder);
            Directory.CreateDirectory(dir);
            foreach (var file in Directory.GetFiles(folder))
            {
                File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
            }

            string target = Path.Combine(dir, $"data_batch_{1 + random.Next(5)}.bin");
            var mutation = (Mutation)random.Next(Enum.GetValues<Mutation>().Length);
            File.WriteAllBytes(target, Mutate(File.ReadAllBytes(target), mutation, random, headerLength: 1, labelOffset: 0, labelStride: 1 + CifarFormat.ImageBytes));
            Check(() => CifarFormat.LoadCifar10(root, train: true), target, 3, 32, outcomes);
            Directory.Delete(root, recursive: true);
        }

        _log.WriteLine($"CIFAR-10: {string.Join(", ", outcomes.Select(kv => $"{kv.Key} {kv.Value}"))}");
        Assert.True(outcomes.GetValueOrDefault("refused") > 0, "no mutation was refused: the fuzzer is not reaching the checks");
    }

    [Fact]
    public void AGzipTrailerThatClaimsGigabytesDoesNotMakeTheReaderAllocateThem()
    {
        // Found by the fuzzer: the size hint read from the gzip trailer (ISIZE) was trusted up to 2 GB.
        string dir = Path.Combine(_dir, "trailer");
        DataFiles.WriteIdx(dir, 30, 10, gzip: true);
        string labels = Path.Combine(dir, "train-labels-idx1-ubyte.gz");
        var bytes = File.ReadAllBytes(labels);
        bytes[^4] = 0xF0;
        bytes[^3] = 0xFF;
        bytes[^2] = 0xFF;
        bytes[^1] = 0x7F;   // ISIZE ≈ 2 GB
        File.WriteAllBytes(labels, bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DatasetFormatException>(() => MnistFormat.Load(dir, MnistVariant.FashionMnist, train: true));   // the stream's size check
        Assert.Contains(labels, e.Message);

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64L << 20, $"loading 30 images allocated {allocated / 1048576} MB");
    }
}
