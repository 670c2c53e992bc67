using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;

namespace MixupSharp.Tests.Training;

/// <summary>
/// Seeded 1-epoch runs whose metrics.csv was written by the build before the training-stack redesign
/// (tests/fixtures/golden-runs). Re-running each case must give byte-identical cells in every column but the timing
/// ones (images per second, epoch seconds, peak memory): the redesign moved code, not results. To re-record after a
/// deliberate change, run <c>MIXUPSHARP_WRITE_GOLDEN=1 ./test.sh --filter GoldenRunTests</c> and say why in the commit.
/// libtorch's CPU kernels (and MKL's) are chosen by processor vendor and vector width, and an evaluation's sums round
/// differently at the sixth digit between them (AMD EPYC with AVX2 against the machine that recorded the first files:
/// test NLL 2.27523 against 2.27522, training columns equal). So each kind of processor that the suite runs on has its
/// files: <see cref="CpuKind"/> names a sub-folder when it holds files, else the first recording is used.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class GoldenRunTests : IDisposable
{
    /// <summary>Where the generated data of the golden runs lives; a fixed path, because config.json records it.</summary>
    public const string DataDir = "/tmp/mixupsharp-golden-data";

    private static readonly string[] TimingColumns = { "images_per_second", "epoch_seconds", "peak_memory_mb" };

    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-golden-").FullName;

    public GoldenRunTests() => GoldenData.Write(DataDir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static string FixtureDir
    {
        get
        {
            string root = Path.Combine(RepoPaths.RepoRoot, "tests", "fixtures", "golden-runs");
            string own = Path.Combine(root, CpuKind());
            return Directory.Exists(own) || Environment.GetEnvironmentVariable("MIXUPSHARP_WRITE_GOLDEN") == "1" ? own : root;
        }
    }

    /// <summary>The processor's vendor and widest vector extension that libtorch dispatches on, e.g. <c>AuthenticAMD-avx2</c>.</summary>
    public static string CpuKind()
    {
        string info = File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : string.Empty;
        string vendor = info.Split('\n').FirstOrDefault(l => l.StartsWith("vendor_id", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown";
        var flags = (info.Split('\n').FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(':')[1] ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        string width = flags.Contains("avx512f") ? "avx512" : flags.Contains("avx2") ? "avx2" : "default";
        return $"{vendor}-{width}";
    }

    /// <summary>Each case: a name and the train options beyond the shared ones.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Cases = new Dictionary<string, string[]>
    {
        ["erm"] = new[] { "--method", "erm" },
        ["mixup"] = new[] { "--method", "mixup", "--alpha", "0.4" },
        ["cutmix"] = new[] { "--method", "cutmix" },
        ["mixup-cutmix"] = new[] { "--method", "mixup-cutmix", "--switch-prob", "0.3" },
        ["cutout"] = new[] { "--method", "cutout", "--prob", "0.7" },
        ["random-erasing"] = new[] { "--method", "random-erasing", "--prob", "0.5" },
        ["gridmask"] = new[] { "--method", "gridmask" },
        ["affine"] = new[] { "--method", "affine" },
        ["mask-distort-mix"] = new[] { "--method", "mask-distort-mix" },
        ["mask-distort-mix-geometric-append"] = new[] { "--method", "mask-distort-mix", "--blend", "geometric", "--insertion", "append" },
        ["manifold-mixup"] = new[] { "--method", "manifold-mixup", "--alpha", "2" },
        ["erm-noisy"] = new[] { "--method", "erm", "--label-noise", "0.3" },
        ["mixup-smoothing-no-standard-aug"] = new[] { "--method", "mixup", "--label-smoothing", "0.1", "--prob", "0.5", "--no-standard-aug", "--schedule", "multistep", "--milestones", "1", "--warmup-epochs", "0.5" },
    };

    public static IEnumerable<object[]> CaseNames() => Cases.Keys.Select(k => new object[] { k });

    /// <summary>The full command line of a case (run folder aside).</summary>
    public static string[] Arguments(string name, string outDir) =>
        new[] { "train", "--dataset", "fashion-mnist", "--data-dir", DataDir, "--model", "seednet", "--train-subset", "1000", "--epochs", "1", "--batch-size", "64", "--lr", "0.05", "--seed", "7", "--threads", "1", "--out", outDir }
            .Concat(Cases[name]).ToArray();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ARunGivesTheMetricsRecordedBeforeTheRedesign(string name)
    {
        string outDir = Path.Combine(_dir, name);
        int threads = torch.get_num_threads();
        try
        {
            var error = new StringWriter();
            int code = MixupSharp.Cli.Cli.Run(Arguments(name, outDir), TextWriter.Null, error);
            Assert.True(code == 0, error.ToString());
        }
        finally
        {
            torch.set_num_threads(threads);
        }

        string produced = Path.Combine(outDir, "metrics.csv");
        string golden = Path.Combine(FixtureDir, name + ".csv");
        if (Environment.GetEnvironmentVariable("MIXUPSHARP_WRITE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(FixtureDir);
            File.Copy(produced, golden, overwrite: true);
            return;
        }

        Assert.True(File.Exists(golden), $"{golden} is missing; record it with MIXUPSHARP_WRITE_GOLDEN=1");
        var expected = Table(golden);
        var actual = Table(produced);
        Assert.Equal(expected.Keys.ToArray(), actual.Keys.ToArray());
        foreach (var column in expected.Keys.Except(TimingColumns))
        {
            Assert.True(expected[column].SequenceEqual(actual[column]), $"{name}: column {column} was [{string.Join(" ", expected[column])}], now [{string.Join(" ", actual[column])}]");
        }
    }

    /// <summary>A CSV file as its columns (header name → cells), in header order.</summary>
    private static Dictionary<string, string[]> Table(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var table = new Dictionary<string, string[]>();
        for (int c = 0; c < header.Length; c++)
        {
            table[header[c]] = rows.Select(r => c < r.Length ? r[c] : "<missing>").ToArray();
        }

        return table;
    }
}

/// <summary>
/// A small, learnable Fashion-MNIST-format dataset (gzipped IDX): 1,200 training and 300 test images of 28×28, ten
/// classes, each class a bright bar at its own place and angle plus deterministic noise. Written the same, byte for
/// byte, on every machine.
/// </summary>
public static class GoldenData
{
    public static void Write(string dir)
    {
        Directory.CreateDirectory(dir);
        foreach (var (stem, count, salt) in new[] { ("train", 1200, 0), ("t10k", 300, 7919) })
        {
            string images = Path.Combine(dir, $"{stem}-images-idx3-ubyte.gz");
            string labels = Path.Combine(dir, $"{stem}-labels-idx1-ubyte.gz");
            if (File.Exists(images) && File.Exists(labels))
            {
                continue;
            }

            var pixels = new byte[count * 28 * 28];
            var classes = new byte[count];
            for (int i = 0; i < count; i++)
            {
                uint h = Hash((uint)(i + salt));
                int k = (int)(h % 10);
                classes[i] = (byte)k;
                for (int y = 0; y < 28; y++)
                {
                    for (int x = 0; x < 28; x++)
                    {
                        // Class k: a bar through the point (4 + 2k, 14) with slope (k - 4.5) / 5, blurred by distance.
                        double distance = Math.Abs(((k - 4.5) / 5 * (x - 4 - (2 * k))) - (y - 14)) / Math.Sqrt(1 + Math.Pow((k - 4.5) / 5, 2));
                        double bar = Math.Max(0, 200 - (60 * distance));
                        int noise = (int)(Hash((uint)((i + salt) * 784 + (y * 28) + x + 1)) % 90);
                        pixels[(i * 784) + (y * 28) + x] = (byte)Math.Min(255, bar + noise);
                    }
                }
            }

            // Written under another name and renamed, so a test that stops half-way never leaves a partial file behind.
            MixupSharp.Training.Data.IdxFormat.WriteImages(images + ".partial.gz", pixels, count, 28, 28);
            MixupSharp.Training.Data.IdxFormat.WriteLabels(labels + ".partial.gz", classes);
            File.Move(images + ".partial.gz", images, overwrite: true);
            File.Move(labels + ".partial.gz", labels, overwrite: true);
        }
    }

    private static uint Hash(uint x)
    {
        x ^= x >> 16;
        x *= 0x7feb352d;
        x ^= x >> 15;
        x *= 0x846ca68b;
        x ^= x >> 16;
        return x;
    }
}
