using System.IO;
using System.Linq;
using MixupSharp.Training.Benchmarks;
using MixupSharp.Training.Reports;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using MixupSharp.Training.Options;
using Xunit;

namespace MixupSharp.Tests.Training;

/// <summary>The bench harness runs every part on tiny data and reports medians of what it measured (no timing asserted).</summary>
[Collection(TorchGlobalState.Name)]
public sealed class SystemBenchmarkTests
{
    [Fact]
    public void EveryPartReportsTheMedianOfItsRepeats()
    {
        string dir = Directory.CreateTempSubdirectory("mixupsharp-bench-test-").FullName;
        try
        {
            string data = Path.Combine(dir, "data");
            DataFiles.WriteCifar10(data, perBatch: 8, testCount: 8);
            var options = new SystemBenchmarkOptions
            {
                Dataset = TrainingDataset.Cifar10, DataDir = data, Model = "fast-resnet", BatchSize = 8, Repeats = 3, Steps = 2, MemoryEpochs = 3, MemorySubset = 16,
                Parts = BenchmarkParts.Trainer | BenchmarkParts.Loader | BenchmarkParts.Memory, WorkDir = Path.Combine(dir, "work"),
            };
            var report = SystemBenchmark.Run(options, _ => { });
            Assert.Equal(6 + 2 + 3, report.Measurements.Count);
            foreach (var m in report.Measurements.Where(m => m.Unit != "%" && m.Unit != "MB"))
            {
                Assert.Equal(3, m.Values.Count);
                Assert.Equal(Statistics.Median(m.Values.ToArray()), m.Median);
                Assert.True(m.Unit == "faults" ? m.Median >= 0 : m.Median > 0, m.Name);
            }

            var trainer = report["trainer, fast-resnet ERM, batch 8"]!.Values;
            var bare = report["bare forward/backward/step loop, same batches"]!.Values;
            Assert.Equal(trainer.Zip(bare, (t, b) => t / b).ToArray(), report["trainer / bare loop (target >= 0.97)"]!.Values);
            Assert.Equal(3, report.Measurements.Single(m => m.Name.StartsWith("growth", System.StringComparison.Ordinal)).Values.Count);   // one per epoch
            Assert.Contains("| measurement | median |", report.ToMarkdown());
            Assert.Contains("cores", report.Machine.Keys);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void MinorFaultsCountsThePagesAFreshAllocationTouches()
    {
        long before = SystemBenchmark.MinorFaults();
        Assert.True(before > 0, "a running .NET process has taken page faults");
        using (var big = TorchSharp.torch.ones(64L * 1024 * 1024))   // 256 MB: beyond any allocator cache, fresh pages
        {
            Assert.Equal(1f, big[big.shape[0] - 1].item<float>());
        }

        Assert.True(SystemBenchmark.MinorFaults() - before >= 64, $"touching 256 MB of fresh memory took only {SystemBenchmark.MinorFaults() - before} faults");
    }
}
