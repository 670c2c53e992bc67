using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Options;
using MixupSharp.Training.Data;
using MixupSharp.Training.Models;
using MixupSharp.Training.Reports;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Benchmarks;

/// <summary>The trainer against a bare loop over the same batches (part of <see cref="SystemBenchmark"/>).</summary>
internal static class TrainerBenchmark
{
    /// <summary>
    /// The trainer (ERM, no crop/flip: only the trainer's own machinery around the step) against a loop that only runs
    /// forward, loss, backward and the SGD step over the same training images (the trainer's subset, in batches of the
    /// same size; its own shuffled order), already in memory and normalized. Each repeat
    /// times the second of two epochs of <see cref="SystemBenchmarkOptions.Steps"/> batches, trainer and loop alternating,
    /// then the loop once more (an A/A control of how far two identical loops differ), and counts minor page faults per
    /// step of each.
    /// </summary>
    public static IEnumerable<Measurement> Run(SystemBenchmarkOptions o, string work, Action<string> log)
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
            var recorder = new SystemBenchmark.EpochRecorder();
            new Trainer(SystemBenchmark.RunOptions(o, dir) with { Method = KnownMethods.Erm, StandardAugmentation = false, Epochs = 2, TrainSubset = subset, Schedule = ScheduleKind.Constant }, recorder).Run(resume: false);
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
        var options = SystemBenchmark.RunOptions(o, string.Empty) with { TrainSubset = subset };
        using var run = RunData.Load(options);
        var data = run.Train;
        var normalize = RunData.Normalization(options, data);
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
                long faults = SystemBenchmark.MinorFaults();
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

                return (images / clock.Elapsed.TotalSeconds, (SystemBenchmark.MinorFaults() - faults) / (double)batches.Count);
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
}
