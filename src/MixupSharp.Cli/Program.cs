using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;
using MixupSharp.Cli;
using MixupSharp.Data;
using MixupSharp.Training;

// The `mixup` command: a thin shell over MixupSharp.Training. User errors are one line and a non-zero exit code.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
return Cli.Run(args, Console.Out, Console.Error);

namespace MixupSharp.Cli
{
    /// <summary>The verbs.</summary>
    public static class Cli
    {
        private const string Usage = """
            usage: ./mixup <verb> [options]

            verbs:
              train      train a classifier with a method (ERM, Mixup, CutMix, masks, MaskDistortMix, ...) and keep a resumable run folder
              eval       evaluate a run's checkpoint: error, NLL, ECE, per-class accuracy, and error under FGSM attacks (--fgsm EPS)
              compare    train a grid of variants x seeds (resumable) and report mean +- sd, Welch p-values and overlay plots
              preview    write a PNG of what a method does to real samples, with lambda under each
              bench      measure the trainer against a bare loop, loader throughput, memory growth and load times
              datasets   list where each dataset is found, or download one (--download NAME)

            ./mixup <verb> --help shows every option of a verb.
            """;

        /// <summary>Runs the command line; returns the exit code (0 ok, 1 failure, 2 usage, 130 interrupted).</summary>
        public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken? stop = null)
        {
            if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
            {
                output.WriteLine(Usage);
                return args.Length == 0 ? 2 : 0;
            }

            try
            {
                return args[0] switch
                {
                    "train" => Train(args.Skip(1).ToArray(), output, stop),
                    "eval" => EvalCommand.Run(args.Skip(1).ToArray(), output),
                    "compare" => CompareCommand.Run(args.Skip(1).ToArray(), output, stop),
                    "preview" => PreviewCommand.Run(args.Skip(1).ToArray(), output),
                    "bench" => BenchCommand.Run(args.Skip(1).ToArray(), output),
                    "datasets" => Datasets(args.Skip(1).ToArray(), output),
                    _ => throw new UsageException($"unknown verb '{args[0]}'; expected train, eval, compare, preview, bench or datasets (see ./mixup --help)"),
                };
            }
            catch (UsageException e)
            {
                error.WriteLine($"error: {e.Message}");
                return 2;
            }
            catch (Exception e) when (e is ArgumentException or IOException or DirectoryNotFoundException or CheckpointException or TrainingDivergedException or DatasetFormatException or InvalidDataException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: {e.Message}");
                return 1;
            }
        }

        /// <summary>The option table of <c>train</c>, bound to a mutable holder of <see cref="TrainingOptions"/>.</summary>
        public static OptionTable TrainOptions(Func<TrainingOptions> get, Action<TrainingOptions> set, Action<string> resume)
        {
            void Set(Func<TrainingOptions, TrainingOptions> change) => set(change(get()));
            return new OptionTable("train", "Train a classifier and write config.json, metrics.csv, summary.json, reliability.json and checkpoint.bin into the run folder.")
                .Add("--dataset", "NAME", "fashion-mnist (default), mnist, cifar10, cifar100, folder", v => Set(o => o with { Dataset = v }))
                .Add("--data-dir", "DIR", "where the dataset is (default: $MIXUPSHARP_DATA, ~/.cache/mixupsharp, /usr/share/datasets)", v => Set(o => o with { DataDir = v }))
                .Add("--model", "NAME", "seednet (default), preact-resnet18, wide-resnet, fast-resnet", v => Set(o => o with { Model = v }))
                .Add("--method", "NAME", $"{string.Join(", ", Methods.Names)} (default erm)", v => Set(o => o with { Method = v }))
                .Add("--alpha", "A", "alpha of the method's Beta(alpha, alpha) (default 1)", v => Set(o => o with { Alpha = OptionTable.Double(v) }))
                .Add("--prob", "P", "probability of the method per batch/sample (default 1)", v => Set(o => o with { Probability = OptionTable.Double(v) }))
                .Add("--switch-prob", "P", "P(CutMix) for mixup-cutmix (default 0.5)", v => Set(o => o with { SwitchProbability = OptionTable.Double(v) }))
                .Add("--label-smoothing", "E", "label smoothing epsilon (default 0)", v => Set(o => o with { LabelSmoothing = OptionTable.Double(v) }))
                .Add("--blend", "KIND", "mask-distort-mix blend: linear (default) or geometric", v => Set(o => o with { Blend = v }))
                .Add("--insertion", "KIND", "mask-distort-mix: replace (default) or append (originals + synthetic)", v => Set(o => o with { Insertion = v }))
                .Add("--jsd-weight", "W", "add the Jensen-Shannon consistency loss over two mask-distort-mix views (default 0: off)", v => Set(o => o with { JsdWeight = OptionTable.Double(v) }))
                .Add("--mixup-off-epoch", "E", "from this 1-based epoch on the method is off (crop/flip stay)", v => Set(o => o with { MixupOffEpoch = OptionTable.Int(v) }))
                .Switch("--no-standard-aug", "turn off the dataset's random crop/flip", () => Set(o => o with { StandardAugmentation = false }))
                .Add("--epochs", "N", "epochs (default 10)", v => Set(o => o with { Epochs = OptionTable.Int(v) }))
                .Add("--batch-size", "N", "batch size (default 128)", v => Set(o => o with { BatchSize = OptionTable.Int(v) }))
                .Add("--lr", "X", "initial learning rate (default 0.05)", v => Set(o => o with { LearningRate = OptionTable.Double(v) }))
                .Add("--momentum", "X", "SGD momentum (default 0.9)", v => Set(o => o with { Momentum = OptionTable.Double(v) }))
                .Switch("--nesterov", "Nesterov momentum", () => Set(o => o with { Nesterov = true }))
                .Add("--weight-decay", "X", "weight decay (default 5e-4)", v => Set(o => o with { WeightDecay = OptionTable.Double(v) }))
                .Add("--schedule", "NAME", "cosine (default), step, multistep, constant", v => Set(o => o with { Schedule = ParseSchedule(v) }))
                .Add("--milestones", "E1,E2", "multistep: epochs after which lr is multiplied by --gamma", v => Set(o => o with { Milestones = v.Split(',').Select(OptionTable.Int).ToArray() }))
                .Add("--step-size", "N", "step: epochs between decays (default 30)", v => Set(o => o with { StepSize = OptionTable.Int(v) }))
                .Add("--gamma", "X", "decay factor of step schedules (default 0.1)", v => Set(o => o with { Gamma = OptionTable.Double(v) }))
                .Add("--warmup-epochs", "X", "linear warm-up epochs (default 0)", v => Set(o => o with { WarmupEpochs = OptionTable.Double(v) }))
                .Add("--train-subset", "N", "train on a stratified subset of N images", v => Set(o => o with { TrainSubset = OptionTable.Long(v) }))
                .Add("--label-noise", "R", "symmetric label noise rate on the training labels (default 0)", v => Set(o => o with { LabelNoise = OptionTable.Double(v) }))
                .Add("--seed", "N", "seed of every random stream (default 1)", v => Set(o => o with { Seed = OptionTable.Long(v) }))
                .Add("--threads", "N", "torch threads (default: all cores)", v => Set(o => o with { Threads = OptionTable.Int(v) }))
                .Add("--device", "NAME", "cpu (default) or cuda", v => Set(o => o with { Device = v }))
                .Add("--out", "DIR", "the run folder (default runs/<dataset>-<model>-<method>-s<seed>)", v => Set(o => o with { OutDir = v }))
                .Add("--resume", "DIR", "continue the run in DIR from its checkpoint (with --epochs N to extend it)", resume);
        }

        private static ScheduleKind ParseSchedule(string v) => v switch
        {
            "cosine" => ScheduleKind.Cosine,
            "step" => ScheduleKind.Step,
            "multistep" => ScheduleKind.MultiStep,
            "constant" => ScheduleKind.Constant,
            _ => throw new UsageException($"--schedule must be cosine, step, multistep or constant; got '{v}'."),
        };

        private static int Train(string[] args, TextWriter output, CancellationToken? stop)
        {
            var options = new TrainingOptions { OutDir = string.Empty };
            string? resumeDir = null;
            var table = TrainOptions(() => options, o => options = o, dir => resumeDir = dir);
            if (args.Contains("--help") || args.Contains("-h"))
            {
                output.Write(table.Help());
                return 0;
            }

            table.Parse(args);
            bool resume = resumeDir is not null;
            if (resume)
            {
                // The run's own resolved options, with only --epochs (and --threads) taken from this command line.
                string config = Path.Combine(resumeDir!, "config.json");
                if (!File.Exists(config))
                {
                    throw new UsageException($"--resume {resumeDir}: no config.json there, so it is not a run folder.");
                }

                var saved = Trainer.ReadRunOptions(resumeDir!);
                options = saved with { OutDir = resumeDir!, Epochs = args.Contains("--epochs") ? options.Epochs : saved.Epochs, Threads = args.Contains("--threads") ? options.Threads : saved.Threads };
            }
            else if (string.IsNullOrEmpty(options.OutDir))
            {
                options = options with { OutDir = Path.Combine("runs", $"{options.Dataset}-{options.Model}-{options.Method}-s{options.Seed}") };
            }

            var outcome = UntilCtrlC(output, stop, token => new Trainer(options, new ConsoleObserver(output)).Run(resume, token));
            string summary = File.ReadAllText(Path.Combine(options.OutDir, "summary.json"));
            output.WriteLine(outcome == RunOutcome.Completed ? $"done. {options.OutDir}/summary.json:" : $"interrupted; resume with ./mixup train --resume {options.OutDir}. summary so far:");
            output.WriteLine(summary);
            return outcome == RunOutcome.Completed ? 0 : 130;
        }

        /// <summary>
        /// Runs <paramref name="work"/> with a token that the first Ctrl-C, SIGTERM or SIGHUP (or <paramref name="stop"/>)
        /// cancels: the current step finishes and a checkpoint is saved, so `kill`, `timeout`, `docker stop`, a batch
        /// scheduler's preemption or a closed terminal stop a run as Ctrl-C does. A second signal ends the process.
        /// </summary>
        internal static T UntilCtrlC<T>(TextWriter output, CancellationToken? stop, Func<CancellationToken, T> work)
        {
            using var cancel = new CancellationTokenSource();
            bool Stop(string what)
            {
                if (cancel.IsCancellationRequested)
                {
                    return false;
                }

                cancel.Cancel();
                output.WriteLine($"\n{what}: stopping after this step and saving a checkpoint ({what} again to abort)...");
                return true;
            }

            ConsoleCancelEventHandler onCancel = (_, e) => e.Cancel = Stop("Ctrl-C");
            Console.CancelKeyPress += onCancel;
            using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => c.Cancel = Stop("SIGTERM"));
            using var onHangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => c.Cancel = Stop("SIGHUP"));
            try
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token, stop ?? CancellationToken.None);
                return work(linked.Token);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        }

        private static int Datasets(string[] args, TextWriter output)
        {
            string? download = null, dataDir = null, generate = null;
            int perBatch = 10_000, testCount = 10_000;
            var table = new OptionTable("datasets", "List where each dataset is found (and verify it loads), or download one from its official address.")
                .Add("--download", "NAME", "download fashion-mnist, mnist, cifar10 or cifar100 into --data-dir (default ~/.cache/mixupsharp/NAME)", v => download = v)
                .Add("--data-dir", "DIR", "a folder to look in first, or to download (or generate) into", v => dataDir = v)
                .Add("--generate", "cifar10", "write random-pixel CIFAR-10 files in the official format into --data-dir (a dry run of a CIFAR pipeline without the data)", v => generate = v)
                .Add("--per-batch", "N", "--generate: records per training batch file, 5 files (default 10000)", v => perBatch = OptionTable.Int(v))
                .Add("--test-count", "N", "--generate: records in the test batch (default 10000)", v => testCount = OptionTable.Int(v));
            if (args.Contains("--help") || args.Contains("-h"))
            {
                output.Write(table.Help());
                return 0;
            }

            table.Parse(args);
            if (generate is not null)
            {
                if (generate != "cifar10" || dataDir is null)
                {
                    throw new UsageException("--generate supports cifar10 and needs --data-dir DIR.");
                }

                MixupSharp.Benchmarks.SystemBenchmark.WriteRandomCifar10(dataDir, perBatch, testCount);
                output.WriteLine($"random-pixel CIFAR-10 files ({5 * perBatch} train + {testCount} test records) written into {Path.Combine(dataDir, CifarFormat.Cifar10Folder)}; for pipeline dry runs only, the labels mean nothing");
                return 0;
            }

            if (download is not null)
            {
                var kind = DatasetCatalog.Parse(download);
                string target = dataDir ?? Path.Combine(DataLocator.UserCacheRoot(), DatasetCatalog.Name(kind));
                new DatasetDownloader(progress: new ConsoleProgressBar()).DownloadAsync(kind, target).GetAwaiter().GetResult();
                output.WriteLine($"{DatasetCatalog.Name(kind)} downloaded into {target}");
                return 0;
            }

            foreach (var kind in Enum.GetValues<DatasetKind>())
            {
                string name = DatasetCatalog.Name(kind);
                try
                {
                    string dir = DataLocator.Find(kind, dataDir);
                    using var train = DataLocator.Load(kind, train: true, dataDir);
                    using var test = DataLocator.Load(kind, train: false, dataDir);
                    output.WriteLine($"{name,-14} {dir}: {train.Count} train + {test.Count} test images [{string.Join("x", train.ImageShape)}], {train.NumClasses} classes, files verified");
                }
                catch (DirectoryNotFoundException)
                {
                    output.WriteLine($"{name,-14} not found (./mixup datasets --download {name})");
                }
            }

            return 0;
        }
    }
}
