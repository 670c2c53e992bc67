using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using MixupSharp.Losses;
using MixupSharp.Training.Data;
using MixupSharp.Training.Grids;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Models;
using MixupSharp.Training.Options;
using MixupSharp.Training.Runs;
using MixupSharp.Training.Sinks;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training;

/// <summary>
/// Trains a classifier with a method, evaluates it every epoch (the test set; with a validation set, that set every epoch
/// and the test set at the end), and keeps a resumable run folder (<see cref="RunFolder"/>):
/// the loop trains, evaluates and checkpoints (atomically at every epoch end, and at the current step when stopped);
/// what is recorded (metrics.csv, TensorBoard, plots, the console) is the sinks' business.
/// </summary>
public sealed partial class Trainer
{
    private readonly TrainingOptions _options;
    private readonly IReadOnlyList<ITrainingSink> _extraSinks;
    private readonly ITrainingObserver _observer;

    /// <summary>Creates a trainer that records with the standard sinks, reports to <paramref name="observer"/>, and to <paramref name="sinks"/>.</summary>
    public Trainer(TrainingOptions options, ITrainingObserver observer, params ITrainingSink[] sinks)
    {
        _options = options?.WithScaledLearningRate() ?? throw new ArgumentNullException(nameof(options));
        _observer = observer ?? throw new ArgumentNullException(nameof(observer));
        _extraSinks = sinks ?? Array.Empty<ITrainingSink>();
        _options.Validate();
    }

    /// <summary>The sinks of every run: metrics.csv and reliability.json, the PNGs, TensorBoard (which shows the PNG of samples), then memory housekeeping.</summary>
    public static IReadOnlyList<ITrainingSink> StandardSinks(RunFolder folder) =>
        new ITrainingSink[] { new MetricsFileSink(folder), new PlotSink(), new TensorBoardSink(), new MemoryTrimSink() };

    /// <summary>Trains from scratch (the run folder must not hold a checkpoint) or resumes (it must).</summary>
    /// <param name="resume">Continue from the run folder's checkpoint.</param>
    /// <param name="stop">Request to stop: the current step finishes, a checkpoint holding the position is saved.</param>
    /// <param name="overwrite">For a new run: replace the files another run left in the folder instead of refusing.</param>
    /// <param name="heldLock">
    /// The caller's claim on the run folder (a grid's <see cref="RunLock"/>), which then counts as this run's lock; without
    /// one the trainer claims the folder itself, so a second process training into it is refused, naming the holder.
    /// </param>
    public RunOutcome Run(bool resume, CancellationToken stop = default, bool overwrite = false, RunLock? heldLock = null)
    {
        var o = _options;
        if (o.Threads > 0)
        {
            torch.set_num_threads(o.Threads);
        }

        var device = Devices.Resolve(o.Device);
        var folder = new RunFolder(o.OutDir);
        folder.Create();
        using var ownLock = heldLock is null ? RunLock.ClaimForTraining(o.OutDir, _observer.Info) : null;
        if (!resume && folder.HasCheckpoint && !overwrite)
        {
            throw new ArgumentException($"{o.OutDir} already holds a run (checkpoint.bin); resume it with --resume {o.OutDir}, or choose another --out.");
        }

        if (!resume && folder.RunFiles() is { Count: > 0 } leftovers)
        {
            if (!overwrite)
            {
                throw new ArgumentException($"{o.OutDir} holds files of another run ({string.Join(", ", leftovers)}); choose another --out, or pass --overwrite to replace them.");
            }

            folder.DeleteRunFiles();
        }

        var sinks = StandardSinks(folder).Concat(_extraSinks).Append(new ObserverSink(_observer)).ToList();
        try
        {
            return Train(folder, device, resume, sinks, stop);
        }
        finally
        {
            foreach (var sink in sinks)
            {
                sink.Dispose();
            }
        }
    }

    private RunOutcome Train(RunFolder folder, Device device, bool resume, IReadOnlyList<ITrainingSink> sinks, CancellationToken stop)
    {
        var o = _options;
        void Info(string message) => sinks.ToList().ForEach(s => s.OnInfo(message));
        torch.manual_seed(o.Seed);
        using var data = RunData.Load(o);
        var train = data.Train;
        var test = data.Test;
        var validation = data.Validation;
        string held = validation is null ? string.Empty : $" / {validation.Count} validation (seed {o.ValidationSeed})";
        Info($"data: {train.Name} {train.Count} train{held} / {test.Count} test images of [{string.Join(", ", train.ImageShape)}], {train.NumClasses} classes");
        long imageSize = train.ImageShape[1];

        using var model = RunModel(o, train);
        if (!resume && o.InitFrom is { } weights)
        {
            InitializeFrom(model, weights, Info);
        }

        model.to(device);
        using var method = o.Method.CreateModules(new MethodSetup(new MethodContext(o, train.NumClasses, imageSize), model, () => RunModel(o, train)));
        method?.Module.to(device);
        using var optimizer = Optimizers.Create(o, model, method?.ParameterGroups);
        double[] groupScales = GroupScales(o, optimizer, method);
        using var ema = o.ModelEma is { } decay ? new ModelEma(model, () => RunModel(o, train), decay) : null;
        using var dataRng = new Generator((ulong)((o.Seed * 2) + 1));
        using var augmentationRng = new Generator((ulong)((o.Seed * 2) + 2));
        string hash = ConfigFingerprint.Of(o);

        var state = new TrainingState { ConfigHash = hash };
        if (resume)
        {
            state = Checkpoint.Load(folder.CheckpointPath, model, optimizer, ema?.Model, method?.Module);
            if (state.ConfigHash != hash)
            {
                throw new CheckpointException($"{folder.CheckpointPath} was written by a run with configuration {state.ConfigHash}; this one is {hash}. Resume with the run's own config.json.");
            }

            Checkpoint.RestoreGenerators(state, dataRng, augmentationRng);
            CheckBestValidation(folder, state, o, train);
        }

        var normalize = RunData.Normalization(o, train);
        if (resume && TrainingFinished(state, o))
        {
            // Training is over; what may be missing is the final evaluation and summary.json (a run killed between its
            // last checkpoint and its summary). They are computed again from the checkpoint's weights.
            Concluded(folder, hash, state, o, data, normalize, device, model, Info);
            return RunOutcome.Completed;
        }

        if (resume)
        {
            Info($"resuming {o.OutDir} at epoch {state.Epoch + 1}, step {state.Step}");
        }

        var pipelines = new RunPipelines(o, train.NumClasses, imageSize, normalize);
        var start = new TrainingStart(o, folder, state.Epoch, train, pipelines.WithMethod, normalize, device, model);
        foreach (var sink in sinks)
        {
            sink.OnStart(start);
        }

        // Written once everything above has been checked (the data, the weights, the pipelines and a first application of
        // them in the samples picture), so an invalid run leaves no config.json that would refuse its corrected rerun.
        WriteConfig(folder, hash, train, test, normalize);

        var loader = new BatchLoader(train, new BatchLoaderOptions { BatchSize = o.BatchSize, Device = device }, dataRng);
        long stepsPerEpoch = loader.BatchesPerEpoch;
        for (int epoch = state.Epoch; epoch < o.Epochs && state.StoppedEarlyAfter == 0; epoch++)
        {
            bool methodOn = o.MixupOffEpoch is not { } off || epoch + 1 < off;
            var pipeline = methodOn ? pipelines.WithMethod : pipelines.WithoutMethod;
            long[] order = state.Order ?? loader.NextOrder();
            double lossSum = state.EpochLossSum, seconds = state.EpochSeconds;
            long steps = state.EpochSteps, images = state.EpochImages, step = state.Step;
            double lr = o.LearningRate;
            model.train();
            var clock = Stopwatch.StartNew();
            foreach (var batch in loader.Batches(order, state.Step, salt: epoch))
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
                        Save(folder, model, optimizer, ema, method, Checkpoint.WithGenerators(partial, dataRng, augmentationRng), $"at epoch {epoch + 1}, step {step}");
                        WriteSummary(folder, hash, partial, null, completed: false);
                        Info($"stopped at epoch {epoch + 1}, step {step}; checkpoint saved in {folder.CheckpointPath}");
                        return RunOutcome.Interrupted;
                    }

                    using var scope = torch.NewDisposeScope();
                    if (o.DropPath > 0)
                    {
                        // Stochastic depth draws from torch's global generator, which no checkpoint holds: seeding it
                        // from (seed, epoch, step) makes a resumed run drop the same blocks as an uninterrupted one.
                        torch.manual_seed(StepSeed(o.Seed, epoch, step));
                    }

                    lr = LearningRateSchedule.At(o, epoch, step, stepsPerEpoch);
                    int g = 0;
                    foreach (var group in optimizer.ParamGroups)
                    {
                        group.LearningRate = lr * groupScales[g++];
                    }

                    using var augmented = pipeline.Apply(batch.Images, batch.Labels, augmentationRng);
                    var progress = new StepProgress((epoch * stepsPerEpoch) + step, o.Epochs * stepsPerEpoch);
                    var loss = method is not null && methodOn
                        ? method.Loss(model, augmented.Inputs, augmented.Targets, augmentationRng, progress)
                        : Loss(model, pipelines, batch, augmented, methodOn, augmentationRng);

                    double value = loss.item<float>();
                    if (!double.IsFinite(value))
                    {
                        string kept = folder.HasCheckpoint
                            ? $"the last good checkpoint is kept in {folder.CheckpointPath}"
                            : $"no checkpoint exists yet (the loss diverged before the first epoch ended), so there is nothing to resume; {folder.Path} holds the run's config.json";
                        throw new TrainingDivergedException($"the training loss became {value} at epoch {epoch + 1}, step {step + 1} (learning rate {lr:g4}); {kept}. Try a lower --lr.");
                    }

                    optimizer.zero_grad();
                    loss.backward();
                    if (o.ClipGrad is { } maxNorm)
                    {
                        nn.utils.clip_grad_norm_(model.parameters(), maxNorm);
                    }

                    optimizer.step();
                    if (methodOn)
                    {
                        method?.AfterStep(model, progress);
                    }

                    ema?.Update(model);
                    lossSum += value;
                    steps++;
                    images += augmented.Inputs.shape[0];
                    step++;
                    double elapsed = seconds + clock.Elapsed.TotalSeconds;
                    var report = new StepReport(epoch, o.Epochs, step, stepsPerEpoch, lossSum / steps, images / Math.Max(elapsed, 1e-9), TimeSpan.FromSeconds(elapsed));
                    foreach (var sink in sinks)
                    {
                        sink.OnStep(report);
                    }
                }
            }

            double epochSeconds = seconds + clock.Elapsed.TotalSeconds;

            // With a validation set, it picks the best epoch (kept in best-validation.bin) and --early-stop watches it;
            // the test set is then evaluated at the end only (every epoch with --test-every).
            var validated = validation is null ? null : Evaluator.Evaluate(model, validation, normalize, device);
            bool bestValidation = validated is not null && (double.IsNaN(state.BestValidationError) || validated.Error < state.BestValidationError);
            int bestValidationEpoch = bestValidation ? epoch + 1 : state.BestValidationEpoch;
            bool stopsEarly = o.EarlyStop is { } patience && validated is not null && epoch + 1 < o.Epochs && epoch + 1 - bestValidationEpoch >= patience;
            bool last = epoch + 1 == o.Epochs || stopsEarly;
            var evaluation = validation is null || o.TestEvery || last ? Evaluator.Evaluate(model, test, normalize, device) : EvaluationResult.NotEvaluated(train.NumClasses);
            if (bestValidation)
            {
                SaveBestValidation(folder, model, epoch + 1);
            }

            double? memorized = data.Flipped is { } flipped ? Evaluator.Memorized(model, train, flipped, normalize, device) : null;
            double? trainError = data.TrainSample is not { } sample ? null
                : (epoch + 1) % o.TrainErrorEvery == 0 || last ? Evaluator.Evaluate(model, sample, normalize, device).Error : double.NaN;
            var averaged = ema is null ? null : new EmaMetrics(
                evaluation.Evaluated ? Evaluator.Evaluate(ema.Model, test, normalize, device) : EvaluationResult.NotEvaluated(train.NumClasses),
                validation is null ? null : Evaluator.Evaluate(ema.Model, validation, normalize, device));
            var metrics = new EpochMetrics(epoch + 1, lr, lossSum / Math.Max(1, steps), evaluation, images / Math.Max(epochSeconds, 1e-9), epochSeconds, PeakMemoryMb(), memorized, validated, trainError, averaged);
            bool best = evaluation.Evaluated && (double.IsNaN(state.BestTestError) || evaluation.Error < state.BestTestError);
            state = state with
            {
                Epoch = epoch + 1, Step = 0, Order = null, EpochLossSum = 0, EpochSteps = 0, EpochImages = 0, EpochSeconds = 0,
                TrainSeconds = state.TrainSeconds + epochSeconds, TrainImages = state.TrainImages + images,
                BestTestError = best ? evaluation.Error : state.BestTestError, BestEpoch = best ? epoch + 1 : state.BestEpoch,
                BestValidationError = bestValidation ? validated!.Error : state.BestValidationError, BestValidationEpoch = bestValidationEpoch,
                StoppedEarlyAfter = stopsEarly ? epoch + 1 : 0,
            };
            var epochReport = new EpochReport(metrics, train.ClassNames, o.Epochs);
            foreach (var sink in sinks)
            {
                sink.OnEpoch(epochReport);
            }

            Save(folder, model, optimizer, ema, method, Checkpoint.WithGenerators(state, dataRng, augmentationRng), $"of epoch {epoch + 1}");
            var bestTest = last && validation is not null ? EvaluateBestValidation(folder, o, train, test, normalize, device) : null;
            WriteSummary(folder, hash, state, metrics, completed: last, validation?.Count, bestTest);
            foreach (var sink in sinks)
            {
                sink.OnEpochSaved(epochReport);
            }
        }

        return RunOutcome.Completed;
    }

    /// <summary>Writes the checkpoint; a failure says which one was not saved and that the previous one is intact.</summary>
    private static void Save(RunFolder folder, StagedModel model, optim.Optimizer optimizer, ModelEma? ema, MethodModules? method, TrainingState state, string which)
    {
        bool previous = folder.HasCheckpoint;
        try
        {
            Checkpoint.Save(folder.CheckpointPath, model, (TorchSharp.Modules.OptimizerHelper)optimizer, state, ema?.Model, method?.Module);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string intact = previous ? $"the previous checkpoint in {folder.CheckpointPath} is intact" : "no earlier checkpoint exists";
            throw new IOException($"the checkpoint {which} was not saved ({e.Message}); {intact}.", e);
        }
    }

    /// <summary>
    /// Loads PyTorch-written weights before training (fine-tuning). A classifier for another class count is left at its
    /// random initialization: in the last stage, a tensor whose shape differs only in its first (output) dimension.
    /// </summary>
    private static void InitializeFrom(StagedModel model, string path, Action<string> info)
    {
        var head = Interop.ModelExport.HeadNames(model);
        var skipped = Interop.ModelImport.Load(model, path, head.Contains, info);
        info(skipped.Count == 0
            ? $"initialized from {path}"
            : $"initialized from {path}, except the classifier head ({string.Join(", ", skipped)}), which has another class count there and starts random");
    }

    /// <summary>A seed for one training step, distinct for every (seed, epoch, step).</summary>
    private static long StepSeed(long seed, int epoch, long step) => unchecked((seed * 1_000_003L + epoch) * 1_000_000_007L + step) & long.MaxValue;

    private static double PeakMemoryMb()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / 1048576.0;
    }

    private void WriteConfig(RunFolder folder, string hash, ImageDataset train, ImageDataset test, MixupSharp.Distortion.Normalize normalize) =>
        folder.WriteConfig(new RunConfig
        {
            // The data folder as an absolute path, so eval, --resume and cluster tasks find it from any working folder.
            Options = _options.Resolved() with { DataDir = _options.DataDir is { Length: > 0 } dir ? Path.GetFullPath(dir) : _options.DataDir },
            RecipeOverrides = Recipes.Overrides(_options) is { Count: > 0 } overrides ? overrides : null,
            ConfigHash = hash,
            Seed = _options.Seed,
            TrainImages = train.Count,
            TestImages = test.Count,
            Classes = train.ClassNames,
            ImageShape = train.ImageShape,
            Normalization = new NormalizationRecord(normalize.Mean, normalize.Std),
            Versions = new Dictionary<string, string>
            {
                ["mixupsharp"] = BuildInfo.Version,
                ["commit"] = BuildInfo.Commit,
                ["torchsharp"] = typeof(torch).Assembly.GetName().Version?.ToString() ?? "?",
                ["dotnet"] = Environment.Version.ToString(),
            },
            Threads = torch.get_num_threads(),
        });
}
