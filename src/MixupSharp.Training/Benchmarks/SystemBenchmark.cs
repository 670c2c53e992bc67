using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Options;
using MixupSharp.Training.Data;
using MixupSharp.Training.Models;
using MixupSharp.Pipelines;
using MixupSharp.Training.Reports;
using MixupSharp.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Benchmarks;
/// <summary>
/// The system-level cost figures: the trainer's images/s against a bare forward/backward/step loop over the same
/// batches; loader throughput with and without crop + flip + normalize; resident memory at the end of epochs 2 and N
/// of a run; and the time to load Fashion-MNIST and full-size CIFAR-10 files. Every figure is a median over repeats.
/// </summary>
public static class SystemBenchmark
{
    /// <summary>Runs the parts asked for; <paramref name="log"/> receives progress lines.</summary>
    public static SystemBenchmarkReport Run(SystemBenchmarkOptions options, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        if (options.Repeats < 1 || options.Steps < 2 || options.MemoryEpochs < 2 || options.BatchSize < 1)
        {
            throw new ArgumentException($"repeats must be >= 1, steps >= 2, memory epochs >= 2 and batch size >= 1; got {options.Repeats}, {options.Steps}, {options.MemoryEpochs}, {options.BatchSize}.");
        }

        if (options.Threads > 0)
        {
            torch.set_num_threads(options.Threads);
        }

        bool ownWorkDir = options.WorkDir is null;
        string work = options.WorkDir ?? Directory.CreateTempSubdirectory("mixupsharp-bench-").FullName;
        Directory.CreateDirectory(work);
        var results = new List<Measurement>();
        try
        {
            if (options.Parts.HasFlag(BenchmarkParts.Trainer))
            {
                results.AddRange(TrainerBenchmark.Run(options, work, log));
            }

            if (options.Parts.HasFlag(BenchmarkParts.Loader))
            {
                results.AddRange(LoaderThroughput(options, log));
            }

            if (options.Parts.HasFlag(BenchmarkParts.Memory))
            {
                results.AddRange(ResidentMemory(options, work, log));
            }

            if (options.Parts.HasFlag(BenchmarkParts.Load))
            {
                results.AddRange(LoadTimes(options, work, log));
            }
        }
        finally
        {
            if (ownWorkDir)
            {
                Directory.Delete(work, recursive: true);
            }
        }

        return new SystemBenchmarkReport(Machine(), results);
    }

    /// <summary>The machine the figures were measured on.</summary>
    public static IReadOnlyDictionary<string, string> Machine() => new Dictionary<string, string>
    {
        ["cores"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
        ["torch threads"] = torch.get_num_threads().ToString(CultureInfo.InvariantCulture),
        ["os"] = RuntimeInformation.OSDescription,
        [".NET"] = Environment.Version.ToString(),
        ["TorchSharp"] = typeof(torch).Assembly.GetName().Version?.ToString() ?? "?",
        ["cpu"] = CpuName(),
    };

    private static string CpuName()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        }
        catch (IOException)
        {
            return "?";
        }
    }

    internal static TrainingOptions RunOptions(SystemBenchmarkOptions o, string outDir) => new()
    {
        Dataset = o.Dataset, DataDir = o.DataDir, Model = o.Model, BatchSize = o.BatchSize, Threads = o.Threads, Seed = 1, OutDir = outDir,
    };

    /// <summary>Images/s of one epoch of the loader alone, and with the dataset's crop + flip + normalize applied.</summary>
    private static IEnumerable<Measurement> LoaderThroughput(SystemBenchmarkOptions o, Action<string> log)
    {
        var kind = o.Dataset.CatalogKind() ?? throw new ArgumentException("the loader benchmark needs a catalogued dataset, not an image folder.");
        using var data = DataLocator.Load(kind, train: true, o.DataDir);
        var pipeline = new AugmentationPipeline(data.NumClasses, StandardAugmentation.Steps(kind).Append(PipelineStep.Of(StandardAugmentation.Normalization(kind))).ToArray());
        using var generator = new Generator(5);
        var plain = new List<double>();
        var augmented = new List<double>();
        for (int r = 0; r < o.Repeats; r++)
        {
            var loader = new BatchLoader(data, new BatchLoaderOptions { BatchSize = o.BatchSize }, generator);
            var clock = Stopwatch.StartNew();
            foreach (var batch in loader.Epoch())
            {
                batch.Dispose();
            }

            plain.Add(data.Count / clock.Elapsed.TotalSeconds);
            clock.Restart();
            foreach (var batch in loader.Epoch())
            {
                using (batch)
                {
                    using var result = pipeline.Apply(batch.Images, batch.Labels, generator);
                }
            }

            augmented.Add(data.Count / clock.Elapsed.TotalSeconds);
            log(string.Create(CultureInfo.InvariantCulture, $"loader, repeat {r + 1}/{o.Repeats}: {plain[^1]:F0} images/s alone, {augmented[^1]:F0} with crop+flip+normalize"));
        }

        return new[]
        {
            new Measurement($"loader alone, {KebabCaseEnumConverter<TrainingDataset>.Name(o.Dataset)} train, batch {o.BatchSize}", Statistics.Median(plain), plain, "images/s"),
            new Measurement($"loader + crop + flip + normalize, {KebabCaseEnumConverter<TrainingDataset>.Name(o.Dataset)}", Statistics.Median(augmented), augmented, "images/s"),
        };
    }

    /// <summary>Resident memory of this process at the end of epoch 2 and of the last epoch of a run, and the growth.</summary>
    private static IEnumerable<Measurement> ResidentMemory(SystemBenchmarkOptions o, string work, Action<string> log)
    {
        string dir = Path.Combine(work, "memory");
        var recorder = new EpochRecorder(recordMemory: true);
        new Trainer(RunOptions(o, dir) with { Method = o.MemoryMethod, Epochs = o.MemoryEpochs, TrainSubset = o.MemorySubset }, recorder).Run(resume: false);
        double second = recorder.ResidentMb[1], last = recorder.ResidentMb[^1];
        double growth = (last - second) / second * 100;
        log(string.Create(CultureInfo.InvariantCulture, $"memory: {second:F0} MB after epoch 2, {last:F0} MB after epoch {o.MemoryEpochs} ({growth:+0.00;-0.00}%)"));
        return new[]
        {
            new Measurement($"resident memory after epoch 2 ({o.Model} {o.MemoryMethod}, {o.MemorySubset} images)", second, new[] { second }, "MB"),
            new Measurement($"resident memory after epoch {o.MemoryEpochs}", last, new[] { last }, "MB"),
            new Measurement($"growth from epoch 2 to {o.MemoryEpochs} (target < 3%)", growth, recorder.ResidentMb.Select(m => (m - second) / second * 100).ToArray(), "%"),
        };
    }

    /// <summary>Seconds to load the Fashion-MNIST training set, and full-size generated CIFAR-10 training files.</summary>
    private static IEnumerable<Measurement> LoadTimes(SystemBenchmarkOptions o, string work, Action<string> log)
    {
        var results = new List<Measurement>();
        try
        {
            var fashion = Time(o.Repeats, () => DataLocator.Load(DatasetKind.FashionMnist, train: true, o.DataDir).Dispose());
            results.Add(new Measurement("load Fashion-MNIST train (60,000 images)", Statistics.Median(fashion), fashion, "s"));
        }
        catch (DirectoryNotFoundException e)
        {
            log($"Fashion-MNIST load time skipped: {e.Message}");
        }

        string root = Path.Combine(work, "cifar");
        RandomCifar10.Write(root);
        var cifar = Time(o.Repeats, () => CifarFormat.LoadCifar10(root, train: true).Dispose());
        results.Add(new Measurement("load CIFAR-10 train (50,000 generated records)", Statistics.Median(cifar), cifar, "s"));
        log(string.Create(CultureInfo.InvariantCulture, $"load times: {string.Join(", ", results.Select(r => $"{r.Name} {r.Median:F3} s"))}"));
        return results;
    }

    private static double[] Time(int repeats, Action action) => Enumerable.Range(0, repeats).Select(_ =>
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }).ToArray();

    /// <summary>
    /// Minor page faults of this process so far (all threads), from /proc/self/stat; 0 where there is no /proc. A step
    /// that gets fresh pages from the kernel for its activations (memory the allocator returned and takes back) pays for
    /// each fault, so a difference here explains a difference in speed that no line of the step does.
    /// </summary>
    public static long MinorFaults()
    {
        try
        {
            string stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[7], CultureInfo.InvariantCulture);   // field 10 of proc(5): minflt
        }
        catch (IOException)
        {
            return 0;
        }
    }

    internal sealed class EpochRecorder : ITrainingObserver
    {
        private readonly bool _recordMemory;
        private long _faultsAtFirstStep;

        public EpochRecorder(bool recordMemory = false) => _recordMemory = recordMemory;

        public List<EpochMetrics> Epochs { get; } = new();

        public List<double> ResidentMb { get; } = new();

        /// <summary>Minor page faults per step over the last epoch, from its first step's end to its last's.</summary>
        public double FaultsPerStep { get; private set; }

        public void OnStep(int epoch, int epochs, long step, long steps, double loss, double imagesPerSecond, TimeSpan elapsed)
        {
            if (step == 1)
            {
                _faultsAtFirstStep = MinorFaults();
            }
            else if (step == steps)
            {
                FaultsPerStep = (MinorFaults() - _faultsAtFirstStep) / (double)(steps - 1);
            }
        }

        public void OnEpoch(EpochMetrics metrics, int epochs)
        {
            Epochs.Add(metrics);
            if (_recordMemory)
            {
                using var process = Process.GetCurrentProcess();
                ResidentMb.Add(process.WorkingSet64 / 1048576.0);
            }
        }

        public void Info(string message)
        {
        }
    }
}
