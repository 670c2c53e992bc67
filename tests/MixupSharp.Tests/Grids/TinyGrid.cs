using System;
using System.IO;
using System.Linq;
using MixupSharp.Tests.Data;

namespace MixupSharp.Tests.Grids;

/// <summary>A 2 variants × 2 seeds grid on generated CIFAR-10 files, in a temporary folder deleted on dispose.</summary>
public sealed class TinyGrid : IDisposable
{
    /// <summary>The runs of the grid, in seed-major order.</summary>
    public static readonly string[] Runs = { "erm/s1", "mixup/s1", "erm/s2", "mixup/s2" };

    // Columns that measure the machine rather than the run.
    private static readonly string[] TimingColumns = { "images_per_second", "epoch_seconds", "peak_memory_mb" };

    public TinyGrid(string prefix)
    {
        Dir = Directory.CreateTempSubdirectory(prefix).FullName;
        Data = Path.Combine(Dir, "data");
        DataFiles.WriteCifar10(Data, perBatch: 8, testCount: 12);
        VariantsFile = Path.Combine(Dir, "grid.json");
        File.WriteAllText(VariantsFile, """{"seeds": [1, 2], "variants": [{"name": "erm", "method": "erm"}, {"name": "mixup", "method": "mixup"}]}""");
    }

    public string Dir { get; }

    public string Data { get; }

    public string VariantsFile { get; }

    /// <summary>A run's metrics.csv without the timing columns: what two machines, or two shards, must agree on.</summary>
    public static string MetricsWithoutTiming(string gridFolder, string run)
    {
        var lines = File.ReadAllLines(Path.Combine(gridFolder, run, "metrics.csv"));
        var keep = lines[0].Split(',').Select((name, i) => (name, i)).Where(c => !TimingColumns.Contains(c.name)).Select(c => c.i).ToHashSet();
        return string.Join("\n", lines.Select(l => string.Join(",", l.Split(',').Where((_, i) => keep.Contains(i)))));
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
