using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using MixupSharp.Data;
using MixupSharp.Models;
using MixupSharp.Pipelines;
using MixupSharp.Reports;
using MixupSharp.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Benchmarks;

/// <summary>What <see cref="SystemBenchmark"/> measures and on what.</summary>
public sealed record SystemBenchmarkOptions
{
    /// <summary>The dataset of the throughput and memory runs ("fashion-mnist" by default).</summary>
    public string Dataset { get; init; } = "fashion-mnist";

    /// <summary>Where the dataset is (see DataLocator).</summary>
    public string? DataDir { get; init; }

    /// <summary>The model of the throughput and memory runs.</summary>
    public string Model { get; init; } = "seednet";

    /// <summary>The batch size.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Torch threads (0: all cores).</summary>
    public int Threads { get; init; }

    /// <summary>How many times each measurement is repeated; the median is reported.</summary>
    public int Repeats { get; init; } = 3;

    /// <summary>Training batches per timed epoch of the trainer-against-bare-loop comparison.</summary>
    public int Steps { get; init; } = 300;

    /// <summary>Epochs of the memory run (resident memory is read at the end of epoch 2 and of this one).</summary>
    public int MemoryEpochs { get; init; } = 10;

    /// <summary>Training images of the memory run (a stratified subset, so ten epochs take minutes).</summary>
    public long MemorySubset { get; init; } = 10_000;

    /// <summary>The method of the memory run.</summary>
    public string MemoryMethod { get; init; } = "mixup";

    /// <summary>Where temporary run folders and generated CIFAR-10 files go (default: a new temporary folder, removed after).</summary>
    public string? WorkDir { get; init; }

    /// <summary>Which parts to run: any of "trainer", "loader", "memory", "load".</summary>
    public IReadOnlyList<string> Parts { get; init; } = new[] { "trainer", "loader", "memory", "load" };
}

/// <summary>One measured quantity: its median over the repeats, every repeat, and its unit.</summary>
public sealed record Measurement(string Name, double Median, IReadOnlyList<double> Values, string Unit);

/// <summary>Everything <see cref="SystemBenchmark.Run"/> measured, with the machine it ran on.</summary>
public sealed record SystemBenchmarkReport(IReadOnlyDictionary<string, string> Machine, IReadOnlyList<Measurement> Measurements)
{
    /// <summary>A measurement by name, or null.</summary>
    public Measurement? this[string name] => Measurements.FirstOrDefault(m => m.Name == name);

    /// <summary>The report as Markdown: the machine, then a table of medians and every repeat.</summary>
    public string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("Machine: " + string.Join(", ", Machine.Select(kv => $"{kv.Key} {kv.Value}"))).AppendLine();
        sb.AppendLine("| measurement | median | unit | every repeat (memory: every epoch) |").AppendLine("|---|---:|---|---|");
        foreach (var m in Measurements)
        {
            sb.AppendLine(c, $"| {m.Name} | {Format(m.Median)} | {m.Unit} | {string.Join(", ", m.Values.Select(Format))} |");
        }

        return sb.ToString();
    }

    private static string Format(double v) => Math.Abs(v) >= 100 ? v.ToString("F0", CultureInfo.InvariantCulture) : v.ToString("G4", CultureInfo.InvariantCulture);
}

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

        var unknown = options.Parts.Except(new[] { "trainer", "loader", "memory", "load" }).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"unknown benchmark part(s) {string.Join(", ", unknown)}; expected trainer, loader, memory or load.");
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
            if (options.Parts.Contains("trainer"))
            {
                results.AddRange(TrainerAgainstBareLoop(options, work, log));
            }

            if (options.Parts.Contains("loader"))
            {
                results.AddRange(LoaderThroughput(options, log));
            }

            if (options.Parts.Contains("memory"))
            {
                results.AddRange(ResidentMemory(options, work, log));
            }

            if (options.Parts.Contains("load"))
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

    private static TrainingOptions RunOptions(SystemBenchmarkOptions o, string outDir) => new()
    {
        Dataset = o.Dataset, DataDir = o.DataDir, Model = o.Model, BatchSize = o.BatchSize, Threads = o.Threads, Seed = 1, OutDir = outDir,
    };

    /// <summary>
    /// The trainer (ERM, no crop/flip: only the trainer's own machinery around the step) against a loop that only runs
    /// forward, loss, backward and the SGD step over the same training images (the trainer's subset, in batches of the
    /// same size; its own shuffled order), already in memory and normalized. Each repeat
    /// times the second of two epochs of <see cref="SystemBenchmarkOptions.Steps"/> batches, trainer and loop alternating,
    /// then the loop once more (an A/A control of how far two identical loops differ), and counts minor page faults per
    /// step of each.
    /// </summary>
    private static IEnumerable<Measurement> TrainerAgainstBareLoop(SystemBenchmarkOptions o, string work, Action<string> log)
    {
        var trainer = new List<double>();
        var bare = new List<double>();
        var trainerFaults = new List<double>();
        var bareFaults = new List<double>();
        var control = new List<double>();
        long subset = (long)o.Steps * o.BatchSize;
        void Bare()
        {
            (double speed, double faults) = BareLoop(o, subset);
            bare.Add(speed);
            bareFaults.Add(faults);
        }

        for (int r = 0; r < o.Repeats; r++)
        {
            // Alternate which goes first, so drift of the machine (clock, cache, page cache) does not favour either.
            if (r % 2 == 1)
            {
                Bare();
            }

            string dir = Path.Combine(work, $"trainer-{r}");
            var recorder = new EpochRecorder();
            new Trainer(RunOptions(o, dir) with { Method = "erm", StandardAugmentation = false, Epochs = 2, TrainSubset = subset, Schedule = ScheduleKind.Constant }, recorder).Run(resume: false);
            trainer.Add(recorder.Epochs[^1].ImagesPerSecond);
            trainerFaults.Add(recorder.FaultsPerStep);
            Directory.Delete(dir, recursive: true);
            if (r % 2 == 0)
            {
                Bare();
            }

            // The A/A control: the same bare loop again, a fresh model in the same process. Its ratio to the first shows
            // how far two identical loops differ here, the floor under any trainer/loop difference this can resolve.
            control.Add(BareLoop(o, subset).ImagesPerSecond);

            log(string.Create(CultureInfo.InvariantCulture, $"trainer vs bare loop, repeat {r + 1}/{o.Repeats}: {trainer[^1]:F0} vs {bare[^1]:F0} images/s (the loop again: {control[^1]:F0}); {trainerFaults[^1]:F0} vs {bareFaults[^1]:F0} page faults per step"));
        }

        var ratios = trainer.Zip(bare, (t, b) => t / b).ToList();
        var controlRatios = bare.Zip(control, (a, b) => a / b).ToList();
        return new[]
        {
            new Measurement($"trainer, {o.Model} ERM, batch {o.BatchSize}", Statistics.Median(trainer), trainer, "images/s"),
            new Measurement($"bare forward/backward/step loop, same batches", Statistics.Median(bare), bare, "images/s"),
            new Measurement("trainer / bare loop (target >= 0.97)", Statistics.Median(ratios), ratios, "ratio"),
            new Measurement("bare loop / the same loop again (A/A control)", Statistics.Median(controlRatios), controlRatios, "ratio"),
            new Measurement("trainer, minor page faults per step (all threads)", Statistics.Median(trainerFaults), trainerFaults, "faults"),
            new Measurement("bare loop, minor page faults per step", Statistics.Median(bareFaults), bareFaults, "faults"),
        };
    }

    /// <summary>Images/s of the bare loop's second epoch, and its minor page faults per step.</summary>
    private static (double ImagesPerSecond, double FaultsPerStep) BareLoop(SystemBenchmarkOptions o, long subset)
    {
        // The trainer's own training set (the same stratified subset), in a fixed shuffled order.
        var options = RunOptions(o, string.Empty) with { TrainSubset = subset };
        using var run = Trainer.LoadData(options);
        var data = run.Train;
        var normalize = StandardAugmentation.Normalization(DatasetCatalog.Parse(o.Dataset));
        torch.manual_seed(options.Seed);
        using var model = ModelFactory.Create(o.Model, (int)data.ImageShape[0], (int)data.ImageShape[1], data.NumClasses);
        using var optimizer = optim.SGD(model.parameters(), options.LearningRate, options.Momentum, weight_decay: options.WeightDecay);
        var batches = new List<(Tensor X, Tensor Y)>();
        using var generator = new Generator(3);
        foreach (var batch in new BatchLoader(data, new BatchLoaderOptions { BatchSize = o.BatchSize, Prefetch = 0 }, generator).Epoch())
        {
            using (batch)
            {
                batches.Add((normalize.Transform(batch.Images).contiguous(), batch.Labels.clone()));
            }
        }

        try
        {
            model.train();
            (double, double) Epoch()
            {
                long faults = MinorFaults();
                var clock = Stopwatch.StartNew();
                long images = 0;
                foreach (var (x, y) in batches)
                {
                    using var scope = torch.NewDisposeScope();
                    var loss = nn.functional.cross_entropy(model.call(x), y);
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    images += x.shape[0];
                }

                return (images / clock.Elapsed.TotalSeconds, (MinorFaults() - faults) / (double)batches.Count);
            }

            Epoch();   // warm-up: the first epoch pays for first-touch allocations and is not timed
            return Epoch();
        }
        finally
        {
            foreach (var (x, y) in batches)
            {
                x.Dispose();
                y.Dispose();
            }
        }
    }

    /// <summary>Images/s of one epoch of the loader alone, and with the dataset's crop + flip + normalize applied.</summary>
    private static IEnumerable<Measurement> LoaderThroughput(SystemBenchmarkOptions o, Action<string> log)
    {
        var kind = DatasetCatalog.Parse(o.Dataset);
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
            new Measurement($"loader alone, {o.Dataset} train, batch {o.BatchSize}", Statistics.Median(plain), plain, "images/s"),
            new Measurement($"loader + crop + flip + normalize, {o.Dataset}", Statistics.Median(augmented), augmented, "images/s"),
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
        WriteRandomCifar10(root);
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
    /// Writes CIFAR-10 binary files in the official format into root/cifar-10-batches-bin: 5 training batches of
    /// <paramref name="perBatch"/> records and a test batch of <paramref name="testCount"/>, random pixels, labels 0..9 in
    /// turn (full size by default). For load-time measurements and for dry runs of a CIFAR pipeline without the data.
    /// </summary>
    public static void WriteRandomCifar10(string root, int perBatch = 10_000, int testCount = 10_000)
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

    private sealed class EpochRecorder : ITrainingObserver
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
