using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using MixupSharp.Data;
using MixupSharp.Distortion;
using MixupSharp.Internal;
using MixupSharp.Losses;
using MixupSharp.Models;
using MixupSharp.Pipelines;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training;

/// <summary>One epoch's metrics.</summary>
public sealed record EpochMetrics(
    int Epoch,
    double LearningRate,
    double TrainLoss,
    EvaluationResult Test,
    double ImagesPerSecond,
    double EpochSeconds,
    double PeakMemoryMb,
    double? MemorizedFraction);

/// <summary>What a run reports while it trains.</summary>
public interface ITrainingObserver
{
    /// <summary>After each step.</summary>
    void OnStep(int epoch, int epochs, long step, long steps, double loss, double imagesPerSecond, TimeSpan elapsed);

    /// <summary>After each epoch's evaluation.</summary>
    void OnEpoch(EpochMetrics metrics, int epochs);

    /// <summary>Free-form information (data found, resume point, checkpoint saved).</summary>
    void Info(string message);
}

/// <summary>How a run ended.</summary>
public enum RunOutcome
{
    /// <summary>All epochs ran.</summary>
    Completed,

    /// <summary>Stopped on request after saving a checkpoint at the current step.</summary>
    Interrupted,
}

/// <summary>The training run stopped because the loss stopped being finite; the last good checkpoint is kept.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// Trains a classifier with a method, evaluates it every epoch, and keeps a resumable run folder: config.json,
/// metrics.csv, summary.json, reliability.json, checkpoint.bin (written atomically at every epoch end, and at the
/// current step when stopped), and PNGs: learning-curves.png, reliability.png, augmented-samples.png.
/// </summary>
public sealed class Trainer
{
    private const string CheckpointFile = "checkpoint.bin";

    private readonly TrainingOptions _options;
    private readonly ITrainingObserver _observer;

    /// <summary>Creates a trainer.</summary>
    public Trainer(TrainingOptions options, ITrainingObserver observer)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _observer = observer ?? throw new ArgumentNullException(nameof(observer));
        _options.Validate();
    }

    /// <summary>A stable hash of everything that shapes the result (not the output folder, thread count or epoch count).</summary>
    public static string ConfigHash(TrainingOptions options)
    {
        var shaping = options with { OutDir = string.Empty, Threads = 0, Epochs = 0, DataDir = null };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(shaping);
        return Convert.ToHexString(SHA256.HashData(json)).ToLowerInvariant()[..16];
    }

    /// <summary>Trains from scratch (the run folder must not hold a checkpoint) or resumes (it must).</summary>
    /// <param name="resume">Continue from the run folder's checkpoint.</param>
    /// <param name="stop">Request to stop: the current step finishes, a checkpoint holding the position is saved.</param>
    public RunOutcome Run(bool resume, CancellationToken stop = default)
    {
        var o = _options;
        if (o.Threads > 0)
        {
            torch.set_num_threads(o.Threads);
        }

        var device = ResolveDevice(o.Device);
        Directory.CreateDirectory(o.OutDir);
        string checkpointPath = Path.Combine(o.OutDir, CheckpointFile);
        if (!resume && File.Exists(checkpointPath))
        {
            throw new ArgumentException($"{o.OutDir} already holds a run (checkpoint.bin); resume it with --resume {o.OutDir}, or choose another --out.");
        }

        torch.manual_seed(o.Seed);
        using var data = LoadData(o);
        var train = data.Train;
        var test = data.Test;
        _observer.Info($"data: {train.Name} {train.Count} train / {test.Count} test images of [{string.Join(", ", train.ImageShape)}], {train.NumClasses} classes");
        long imageSize = train.ImageShape[1];
        int numClasses = train.NumClasses;

        using var model = ModelFactory.Create(o.Model, (int)train.ImageShape[0], (int)imageSize, numClasses);
        model.to(device);
        using var optimizer = optim.SGD(model.parameters(), o.LearningRate, o.Momentum, weight_decay: o.WeightDecay, nesterov: o.Nesterov);
        using var dataRng = new Generator((ulong)((o.Seed * 2) + 1));
        using var augmentationRng = new Generator((ulong)((o.Seed * 2) + 2));
        string hash = ConfigHash(o);

        var state = new TrainingState { ConfigHash = hash };
        if (resume)
        {
            state = Checkpoint.Load(checkpointPath, model, optimizer);
            if (state.ConfigHash != hash)
            {
                throw new CheckpointException($"{checkpointPath} was written by a run with configuration {state.ConfigHash}; this one is {hash}. Resume with the run's own config.json.");
            }

            SetState(dataRng, state.DataRng);
            SetState(augmentationRng, state.AugmentationRng);
            SetState(torch.Generator.Default, state.DefaultRng);
            _observer.Info($"resuming {o.OutDir} at epoch {state.Epoch + 1}, step {state.Step}");
        }

        var standard = StandardSteps(o);
        var normalize = Normalization(o, train);
        WriteConfig(o, hash, train, test, normalize);
        var withMethod = Methods.Pipeline(o, numClasses, imageSize, standard, normalize, methodOn: true);
        var withoutMethod = Methods.Pipeline(o, numClasses, imageSize, standard, normalize, methodOn: false);
        var jsdViews = o.JsdWeight > 0 ? MixupSharp.Composite.MaskDistortMix.Create(numClasses) : null;
        WriteSamplePreview(o, train, withMethod, normalize, device);
        var loader = new BatchLoader(train, new BatchLoaderOptions { BatchSize = o.BatchSize, Device = device }, dataRng);
        long stepsPerEpoch = loader.BatchesPerEpoch;
        TruncateMetrics(o.OutDir, state.Epoch);
        using var events = new MixupSharp.Reports.TensorBoardWriter(o.OutDir);   // one event file per sitting

        for (int epoch = state.Epoch; epoch < o.Epochs; epoch++)
        {
            bool methodOn = o.MixupOffEpoch is not { } off || epoch + 1 < off;
            var pipeline = methodOn ? withMethod : withoutMethod;
            long[] order = state.Order ?? loader.NextOrder();
            double lossSum = state.EpochLossSum, seconds = state.EpochSeconds;
            long steps = state.EpochSteps, images = state.EpochImages, step = state.Step;
            double lr = o.LearningRate;
            model.train();
            var clock = Stopwatch.StartNew();
            foreach (var batch in loader.Batches(order, state.Step))
            {
                using (batch)
                {
                    if (stop.IsCancellationRequested)
                    {
                        var partial = state with
                        {
                            Epoch = epoch, Step = step, Order = order, EpochLossSum = lossSum, EpochSteps = steps, EpochImages = images,
                            EpochSeconds = seconds + clock.Elapsed.TotalSeconds,
                        };
                        SaveCheckpoint(checkpointPath, model, optimizer, partial, dataRng, augmentationRng);
                        WriteSummary(o, hash, partial, null, completed: false);
                        _observer.Info($"stopped at epoch {epoch + 1}, step {step}; checkpoint saved in {checkpointPath}");
                        return RunOutcome.Interrupted;
                    }

                    using var scope = torch.NewDisposeScope();
                    lr = LearningRateSchedule.At(o, epoch, step, stepsPerEpoch);
                    foreach (var group in optimizer.ParamGroups)
                    {
                        group.LearningRate = lr;
                    }

                    using var augmented = pipeline.Apply(batch.Images, batch.Labels, augmentationRng);
                    var (logits, targets) = Forward(model, augmented.Inputs, augmented.Targets, methodOn, augmentationRng);
                    var loss = SoftTargetCrossEntropy.Compute(logits, targets);
                    if (jsdViews is not null)
                    {
                        loss = loss + ConsistencyLoss(model, jsdViews, batch, batch.Labels, logits, normalize, o.JsdWeight, augmentationRng);
                    }

                    double value = loss.item<float>();
                    if (!double.IsFinite(value))
                    {
                        throw new TrainingDivergedException($"the training loss became {value} at epoch {epoch + 1}, step {step + 1} (learning rate {lr:g4}); the last good checkpoint is kept in {checkpointPath}. Try a lower --lr.");
                    }

                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    lossSum += value;
                    steps++;
                    images += augmented.Inputs.shape[0];
                    step++;
                    double elapsed = seconds + clock.Elapsed.TotalSeconds;
                    _observer.OnStep(epoch, o.Epochs, step, stepsPerEpoch, lossSum / steps, images / Math.Max(elapsed, 1e-9), TimeSpan.FromSeconds(elapsed));
                }
            }

            double epochSeconds = seconds + clock.Elapsed.TotalSeconds;
            var evaluation = Evaluate(model, test, normalize, device);
            double? memorized = data.Flipped is { } flipped ? Memorized(model, train, flipped, normalize, device) : null;
            var metrics = new EpochMetrics(epoch + 1, lr, lossSum / Math.Max(1, steps), evaluation, images / Math.Max(epochSeconds, 1e-9), epochSeconds, PeakMemoryMb(), memorized);
            bool best = double.IsNaN(state.BestTestError) || evaluation.Error < state.BestTestError;
            state = state with
            {
                Epoch = epoch + 1, Step = 0, Order = null, EpochLossSum = 0, EpochSteps = 0, EpochImages = 0, EpochSeconds = 0,
                TrainSeconds = state.TrainSeconds + epochSeconds, TrainImages = state.TrainImages + images,
                BestTestError = best ? evaluation.Error : state.BestTestError, BestEpoch = best ? epoch + 1 : state.BestEpoch,
            };
            AppendMetrics(o.OutDir, metrics, train.ClassNames);
            File.WriteAllText(Path.Combine(o.OutDir, "reliability.json"), JsonSerializer.Serialize(evaluation.Reliability, new JsonSerializerOptions { WriteIndented = true }));
            events.AddScalar("train/loss", metrics.TrainLoss, epoch + 1);
            events.AddScalar("train/learning_rate", metrics.LearningRate, epoch + 1);
            events.AddScalar("train/images_per_second", metrics.ImagesPerSecond, epoch + 1);
            events.AddScalar("test/error", evaluation.Error, epoch + 1);
            events.AddScalar("test/nll", evaluation.Nll, epoch + 1);
            events.AddScalar("test/ece", evaluation.Ece, epoch + 1);
            if (memorized is { } fraction)
            {
                events.AddScalar("train/memorized_flipped_fraction", fraction, epoch + 1);
            }

            events.Flush();

            MixupSharp.Reports.RunPlots.LearningCurves(Path.Combine(o.OutDir, "metrics.csv"), Path.Combine(o.OutDir, "learning-curves.png"));
            MixupSharp.Reports.RunPlots.ReliabilityDiagram(evaluation.Reliability, evaluation.Ece, Path.Combine(o.OutDir, "reliability.png"));
            SaveCheckpoint(checkpointPath, model, optimizer, state, dataRng, augmentationRng);
            WriteSummary(o, hash, state, metrics, completed: epoch + 1 == o.Epochs);
            ReleaseFreedMemory();
            _observer.OnEpoch(metrics, o.Epochs);
        }

        return RunOutcome.Completed;
    }

    /// <summary>Logits and targets of one batch; Manifold Mixup mixes hidden states at a point drawn per batch.</summary>
    private (Tensor Logits, Tensor Targets) Forward(StagedModel model, Tensor inputs, Tensor targets, bool methodOn, Generator rng)
    {
        if (_options.Method != "manifold-mixup" || !methodOn)
        {
            return (model.call(inputs), targets);
        }

        // Points 0 .. last-but-one: the input and every block output before the classifier head.
        int point = (int)Math.Min(model.MixablePoints - 1, Math.Floor(Draws.Uniform(1, rng)[0] * model.MixablePoints));
        double lambda = Draws.Beta(_options.Alpha, 1, rng)[0];
        var partner = torch.tensor(Draws.Permutation(inputs.shape[0], rng)).to(inputs.device);
        var hidden = model.ForwardTo(inputs, point);
        var mixed = (hidden * lambda) + (hidden.index_select(0, partner) * (1 - lambda));
        var mixedTargets = (targets * lambda) + (targets.index_select(0, partner) * (1 - lambda));
        return (model.ForwardFrom(mixed, point), mixedTargets);
    }

    /// <summary>The Jensen–Shannon term over (clean, view 1, view 2), views being two MaskDistortMix draws of the raw batch.</summary>
    private static Tensor ConsistencyLoss(StagedModel model, MixupSharp.Composite.MaskDistortMix<AffineParameters> views, LoadedBatch batch, Tensor labels, Tensor clean, Normalize normalize, double weight, Generator rng)
    {
        var first = views.Apply(batch.Images, labels, rng);
        var second = views.Apply(batch.Images, labels, rng);
        var z1 = model.call(normalize.Transform(first.Inputs));
        var z2 = model.call(normalize.Transform(second.Inputs));
        if (clean.shape[0] != z1.shape[0])
        {
            // An appending method makes the clean batch longer; compare its first N rows (the originals).
            clean = clean.narrow(0, 0, z1.shape[0]);
        }

        return JensenShannonConsistency.Compute(weight, clean, z1, z2);
    }

    /// <summary>Test metrics, in evaluation mode without gradients, in batches of 512.</summary>
    public static EvaluationResult Evaluate(StagedModel model, InMemoryDataset test, Normalize normalize, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var (logits, labels) = Predict(model, test, normalize, device);
        return Evaluation.FromLogits(logits, labels, test.NumClasses);
    }

    /// <summary>
    /// Metrics on the images after a fast-gradient-sign attack of size <paramref name="epsilon"/> (pixel units, images
    /// in [0, 1]), each batch attacked through the model in evaluation mode.
    /// </summary>
    public static EvaluationResult EvaluateUnderFgsm(StagedModel model, InMemoryDataset data, Normalize normalize, Device device, double epsilon)
    {
        using var scope = torch.NewDisposeScope();
        var (logits, labels) = Predict(model, data, normalize, device, (images, truth) => Fgsm.Perturb(x => model.call(normalize.Transform(x)), images, truth, epsilon));
        return Evaluation.FromLogits(logits, labels, data.NumClasses);
    }

    /// <summary>The resolved options recorded in a run folder's config.json.</summary>
    public static TrainingOptions ReadRunOptions(string runDir) => ReadRunOptions(ReadConfig(runDir));

    /// <summary>
    /// The trained model of a run folder (its config.json and the weights of its checkpoint.bin), on <paramref name="device"/>,
    /// with the run's resolved options and the normalization it trained with.
    /// </summary>
    public static (TrainingOptions Options, StagedModel Model, Normalize Normalize) LoadTrained(string runDir, Device device)
    {
        var root = ReadConfig(runDir);
        var options = ReadRunOptions(root);
        int channels = root.TryGetProperty("image_shape", out var shape) ? shape[0].GetInt32() : DefaultChannels(options.Dataset);
        int size = root.TryGetProperty("image_shape", out shape) ? shape[1].GetInt32() : DefaultSize(options.Dataset);
        int classes = root.GetProperty("classes").GetArrayLength();
        var normalize = root.TryGetProperty("normalization", out var n)
            ? new Normalize(n.GetProperty("mean").Deserialize<double[]>()!, n.GetProperty("std").Deserialize<double[]>()!)
            : RecomputedNormalization(options);
        var model = ModelFactory.Create(options.Model, channels, size, classes);
        try
        {
            using var optimizer = optim.SGD(model.parameters(), options.LearningRate, options.Momentum);
            Checkpoint.Load(Path.Combine(runDir, CheckpointFile), model, optimizer);
            model.to(device);
            model.eval();
            return (options, model, normalize);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>A split of the run's dataset, without subsetting or label noise: the data a trained model is judged on.</summary>
    public static InMemoryDataset LoadSplit(TrainingOptions o, bool train)
    {
        if (o.Dataset != "folder")
        {
            return DataLocator.Load(DatasetCatalog.Parse(o.Dataset), train, o.DataDir);
        }

        var trainSet = LoadFolderTrain(o);
        if (train)
        {
            return trainSet;
        }

        using (trainSet)
        {
            return LoadFolderTest(o, trainSet);
        }
    }

    private static InMemoryDataset LoadFolderTrain(TrainingOptions o) => ImageFolder.Load(Path.Combine(o.DataDir!, "train"));

    /// <summary>A folder's test images, resized to the size of its training images.</summary>
    private static InMemoryDataset LoadFolderTest(TrainingOptions o, InMemoryDataset train) =>
        ImageFolder.Load(Path.Combine(o.DataDir!, "test"), new ImageFolderOptions { Size = (int)train.ImageShape[1] });

    private static JsonElement ReadConfig(string runDir)
    {
        string config = Path.Combine(runDir, "config.json");
        if (!File.Exists(config))
        {
            throw new ArgumentException($"{runDir}: no config.json there, so it is not a run folder.");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(config));
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{config}: not valid JSON ({e.Message}).");
        }
    }

    private static TrainingOptions ReadRunOptions(JsonElement config) => config.GetProperty("options").Deserialize<TrainingOptions>()!;

    /// <summary>For run folders written before config.json recorded the normalization: recompute it as the run did.</summary>
    private static Normalize RecomputedNormalization(TrainingOptions o)
    {
        if (o.Dataset != "folder")
        {
            return StandardAugmentation.Normalization(DatasetCatalog.Parse(o.Dataset));
        }

        using var data = LoadData(o);
        return Normalization(o, data.Train);
    }

    private static int DefaultChannels(string dataset) => dataset is "cifar10" or "cifar100" ? 3 : 1;

    private static int DefaultSize(string dataset) => dataset is "cifar10" or "cifar100" ? 32 : 28;

    /// <summary>The fraction of flipped training samples the model predicts with their (wrong) noisy label.</summary>
    private static double Memorized(StagedModel model, InMemoryDataset train, Tensor flipped, Normalize normalize, Device device)
    {
        if (flipped.shape[0] == 0)
        {
            return 0;
        }

        using var subset = train.Select(flipped);
        using var scope = torch.NewDisposeScope();
        var (logits, labels) = Predict(model, subset, normalize, device);
        return (logits.argmax(1) == labels).to_type(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>
    /// Logits and labels of a whole dataset (on the CPU), in evaluation mode without gradients, in batches of 512;
    /// <paramref name="attack"/>, when given, replaces each batch of [0, 1] images (with its labels) before the forward pass.
    /// </summary>
    private static (Tensor Logits, Tensor Labels) Predict(StagedModel model, InMemoryDataset data, Normalize normalize, Device device, Func<Tensor, Tensor, Tensor>? attack = null)
    {
        model.eval();
        try
        {
            var loader = new BatchLoader(data, new BatchLoaderOptions { BatchSize = attack is null ? 512 : 256, Shuffle = false, Device = device, Prefetch = 1 });
            var logits = new List<Tensor>();
            var labels = new List<Tensor>();
            foreach (var batch in loader.Epoch())
            {
                using (batch)
                {
                    var images = attack is null ? batch.Images : attack(batch.Images, batch.Labels);
                    using (torch.no_grad())
                    {
                        logits.Add(model.call(normalize.Transform(images)).cpu());
                        labels.Add(batch.Labels.cpu());
                    }

                    if (attack is not null)
                    {
                        images.Dispose();
                    }
                }
            }

            return (torch.cat(logits.ToArray(), 0), torch.cat(labels.ToArray(), 0));
        }
        finally
        {
            model.train();
        }
    }

    internal sealed class RunData : IDisposable
    {
        public RunData(InMemoryDataset train, InMemoryDataset test, Tensor? flipped, params IDisposable[] owned)
        {
            Train = train;
            Test = test;
            Flipped = flipped;
            Owned = owned;
        }

        public InMemoryDataset Train { get; }

        public InMemoryDataset Test { get; }

        public Tensor? Flipped { get; }

        private IDisposable[] Owned { get; }

        public void Dispose()
        {
            foreach (var d in Owned)
            {
                d.Dispose();
            }
        }
    }

    /// <summary>The run's training set (subset and label noise applied, as trained on) and test set.</summary>
    internal static RunData LoadData(TrainingOptions o)
    {
        InMemoryDataset train, test;
        if (o.Dataset == "folder")
        {
            train = LoadFolderTrain(o);
            test = LoadFolderTest(o, train);
        }
        else
        {
            var kind = DatasetCatalog.Parse(o.Dataset);
            train = DataLocator.Load(kind, train: true, o.DataDir);
            test = DataLocator.Load(kind, train: false, o.DataDir);
        }

        var owned = new List<IDisposable> { train, test };
        using var subsetRng = new Generator((ulong)((o.Seed * 2) + 3));
        if (o.TrainSubset is { } size && size < train.Count)
        {
            train = DatasetTransforms.StratifiedSubset(train, size, subsetRng);
            owned.Add(train);
        }

        Tensor? flipped = null;
        if (o.LabelNoise > 0)
        {
            var noisy = DatasetTransforms.WithSymmetricNoise(train, o.LabelNoise, subsetRng);
            owned.Add(noisy);
            train = noisy.Dataset;
            flipped = noisy.Flipped;
        }

        return new RunData(train, test, flipped, owned.ToArray());
    }

    private static IEnumerable<PipelineStep> StandardSteps(TrainingOptions o) =>
        o.Dataset == "folder"
            ? new[] { PipelineStep.Of(new RandomCrop(new RandomCropOptions { Padding = 4 })), PipelineStep.Of(new RandomHorizontalFlip()) }
            : StandardAugmentation.Steps(DatasetCatalog.Parse(o.Dataset));

    private static Normalize Normalization(TrainingOptions o, InMemoryDataset train)
    {
        if (o.Dataset != "folder")
        {
            return StandardAugmentation.Normalization(DatasetCatalog.Parse(o.Dataset));
        }

        // An image folder has no published statistics: use the training set's own per-channel mean and std.
        using var scope = torch.NewDisposeScope();
        var x = train.Images.to_type(ScalarType.Float64) / 255.0;
        var mean = x.mean(new long[] { 0, 2, 3 }).data<double>().ToArray();
        var std = x.std(new long[] { 0, 2, 3 }).data<double>().ToArray().Select(s => Math.Max(s, 1e-3)).ToArray();
        return new Normalize(mean, std);
    }

    /// <summary>
    /// A PNG grid of 16 training images after the method's augmentation (de-normalized for display), drawn with a
    /// generator of its own so the run's random streams are untouched.
    /// </summary>
    private static void WriteSamplePreview(TrainingOptions o, InMemoryDataset train, AugmentationPipeline pipeline, Normalize normalize, Device device)
    {
        using var scope = torch.NewDisposeScope();
        using var rng = new Generator((ulong)((o.Seed * 2) + 4));
        long count = Math.Min(16, train.Count);
        var images = train.Images.narrow(0, 0, count).to(device).to_type(ScalarType.Float32) / 255f;
        using var augmented = pipeline.Apply(images, train.Labels.narrow(0, 0, count).to(device), rng);
        MixupSharp.Reports.RunPlots.ImageGrid(normalize.Inverse(augmented.Inputs), Path.Combine(o.OutDir, "augmented-samples.png"));
    }

    /// <summary>The device named "cpu" or "cuda"; a clear error when TorchSharp sees no GPU.</summary>
    public static Device ResolveDevice(string name)
    {
        if (name == "cuda")
        {
            if (!torch.cuda.is_available())
            {
                throw new ArgumentException("--device cuda: TorchSharp sees no GPU here. This build uses the TorchSharp-cpu package; build with -p:MixupSharpTorchBackend=cuda on a machine with CUDA (see README).");
            }

            return CUDA;
        }

        return name == "cpu" ? CPU : throw new ArgumentException($"--device must be cpu or cuda; got '{name}'.");
    }

    private static void SetState(Generator generator, byte[] state)
    {
        if (state.Length == 0)
        {
            return;
        }

        using var current = generator.get_state();
        using var restored = torch.empty(current.shape, dtype: current.dtype);
        restored.bytes = state;
        generator.set_state(restored);
    }

    private static byte[] GetState(Generator generator)
    {
        using var s = generator.get_state();
        return s.bytes.ToArray();
    }

    private static void SaveCheckpoint(string path, StagedModel model, optim.Optimizer optimizer, TrainingState state, Generator dataRng, Generator augmentationRng)
    {
        var withRng = state with { DataRng = GetState(dataRng), AugmentationRng = GetState(augmentationRng), DefaultRng = GetState(torch.Generator.Default) };
        Checkpoint.Save(path, model, (TorchSharp.Modules.OptimizerHelper)optimizer, withRng);
    }

    /// <summary>
    /// At each epoch end: collect managed garbage (finalizing any tensor handle that escaped a scope) and ask glibc to
    /// hand freed heap pages back to the OS, so resident memory follows what is live rather than what the allocator
    /// keeps cached after evaluation's large temporaries. Costs milliseconds once per epoch.
    /// </summary>
    private static void ReleaseFreedMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        if (OperatingSystem.IsLinux())
        {
            try
            {
                _ = MallocTrim(UIntPtr.Zero);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // Not glibc (e.g. musl): nothing to trim.
            }
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(UIntPtr pad);

    private static double PeakMemoryMb()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / 1048576.0;
    }

    private static void WriteConfig(TrainingOptions o, string hash, InMemoryDataset train, InMemoryDataset test, Normalize normalize)
    {
        var config = new Dictionary<string, object?>
        {
            ["options"] = o,
            ["config_hash"] = hash,
            ["seed"] = o.Seed,
            ["train_images"] = train.Count,
            ["test_images"] = test.Count,
            ["classes"] = train.ClassNames,
            ["image_shape"] = train.ImageShape,
            ["normalization"] = new Dictionary<string, double[]> { ["mean"] = normalize.Mean, ["std"] = normalize.Std },
            ["versions"] = new Dictionary<string, string>
            {
                ["mixupsharp"] = typeof(Trainer).Assembly.GetName().Version?.ToString() ?? "?",
                ["torchsharp"] = typeof(torch).Assembly.GetName().Version?.ToString() ?? "?",
                ["dotnet"] = Environment.Version.ToString(),
            },
            ["threads"] = torch.get_num_threads(),
        };
        File.WriteAllText(Path.Combine(o.OutDir, "config.json"), JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static void WriteSummary(TrainingOptions o, string hash, TrainingState state, EpochMetrics? last, bool completed)
    {
        string path = Path.Combine(o.OutDir, "summary.json");
        var previous = File.Exists(path) ? JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(path)) : null;
        double Keep(string key, double? value) => value ?? (previous is not null && previous.TryGetValue(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN);
        var summary = new Dictionary<string, object?>
        {
            ["test_error"] = Finite(Keep("test_error", last?.Test.Error)),
            ["test_nll"] = Finite(Keep("test_nll", last?.Test.Nll)),
            ["test_ece"] = Finite(Keep("test_ece", last?.Test.Ece)),
            ["best_test_error"] = Finite(state.BestTestError),
            ["best_epoch"] = state.BestEpoch,
            ["epochs"] = state.Epoch,
            ["train_seconds"] = state.TrainSeconds,
            ["images_per_second"] = state.TrainSeconds > 0 ? state.TrainImages / state.TrainSeconds : 0,
            ["completed"] = completed,
            ["config_hash"] = hash,
        };
        File.WriteAllText(path, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static void AppendMetrics(string dir, EpochMetrics m, IReadOnlyList<string> classNames)
    {
        string path = Path.Combine(dir, "metrics.csv");
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        if (!File.Exists(path))
        {
            sb.Append("epoch,lr,train_loss,test_error,test_nll,test_ece,images_per_second,epoch_seconds,peak_memory_mb,memorized_fraction");
            foreach (var name in classNames)
            {
                sb.Append(",acc_").Append(name.Replace(',', ' ').Replace(' ', '_'));
            }

            sb.AppendLine();
        }

        sb.Append(string.Join(",", new[]
        {
            m.Epoch.ToString(c), m.LearningRate.ToString("g6", c), m.TrainLoss.ToString("g6", c), m.Test.Error.ToString("g6", c),
            m.Test.Nll.ToString("g6", c), m.Test.Ece.ToString("g6", c), m.ImagesPerSecond.ToString("F1", c), m.EpochSeconds.ToString("F2", c),
            m.PeakMemoryMb.ToString("F1", c), m.MemorizedFraction?.ToString("g6", c) ?? string.Empty,
        }));
        foreach (var accuracy in m.Test.PerClassAccuracy)
        {
            sb.Append(',').Append(double.IsNaN(accuracy) ? string.Empty : accuracy.ToString("g6", c));
        }

        sb.AppendLine();
        File.AppendAllText(path, sb.ToString());
    }

    /// <summary>On resume, drops metric rows of epochs after the checkpoint (written by a run that then crashed).</summary>
    private static void TruncateMetrics(string dir, int completedEpochs)
    {
        string path = Path.Combine(dir, "metrics.csv");
        if (!File.Exists(path))
        {
            return;
        }

        var lines = File.ReadAllLines(path);
        var kept = lines.Take(1).Concat(lines.Skip(1).Where(l => int.TryParse(l.Split(',')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int e) && e <= completedEpochs)).ToArray();
        File.WriteAllLines(path, kept);
    }
}
