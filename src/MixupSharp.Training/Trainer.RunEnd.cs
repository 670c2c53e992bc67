using System;
using System.IO;
using MixupSharp.Training.Data;
using MixupSharp.Training.Models;
using MixupSharp.Training.Options;
using MixupSharp.Training.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training;

/// <summary>
/// The end of a run: the best-validation weights (kept, checked before a resume trains, tested at the end), the final
/// evaluation, and summary.json, which never describes an epoch older than the checkpoint.
/// </summary>
public sealed partial class Trainer
{
    /// <summary>
    /// The best-validation weights (<see cref="BestValidationWeights"/>: checksummed, never half written); a failure says
    /// that the checkpoint was not written either, so the epoch is trained again on resume.
    /// </summary>
    private static void SaveBestValidation(RunFolder folder, StagedModel model, int epoch)
    {
        try
        {
            BestValidationWeights.Save(folder.BestValidationModelPath, model, epoch);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string intact = folder.HasCheckpoint ? $"the previous checkpoint in {folder.CheckpointPath} is intact and resumes before epoch {epoch}" : "no checkpoint exists yet";
            throw new IOException($"{folder.BestValidationModelPath} of epoch {epoch} was not saved ({e.Message}); {intact}.", e);
        }
    }

    /// <summary>The test metrics of the best-validation weights, in a model of their own (the trained one is left as it is).</summary>
    private static EvaluationResult EvaluateBestValidation(RunFolder folder, TrainingOptions o, ImageDataset train, ImageDataset test, MixupSharp.Distortion.Normalize normalize, Device device)
    {
        using var best = RunModel(o, train);
        BestValidationWeights.Load(folder.BestValidationModelPath, best);
        best.to(device);
        return Evaluator.Evaluate(best, test, normalize, device);
    }

    /// <summary>A new model of the run's architecture, for the run's images and classes (random weights).</summary>
    private static StagedModel RunModel(TrainingOptions o, ImageDataset train) =>
        ModelFactory.Create(o.Model, (int)train.ImageShape[0], (int)train.ImageShape[1], train.NumClasses, dropPath: o.DropPath);

    /// <summary>Whether the checkpoint's run has nothing left to train: all its epochs, or stopped early.</summary>
    private static bool TrainingFinished(TrainingState state, TrainingOptions o) => state.Epoch >= o.Epochs || state.StoppedEarlyAfter > 0;

    /// <summary>
    /// Before a resume trains anything: a run with a validation set must still have the weights its checkpoint records as
    /// the best, readable and of that epoch (or of a later one, written just before a crash and rewritten on resume).
    /// </summary>
    private static void CheckBestValidation(RunFolder folder, TrainingState state, TrainingOptions o, ImageDataset train)
    {
        if (state.BestValidationEpoch == 0)
        {
            return;
        }

        using var probe = RunModel(o, train);
        int? epoch;
        try
        {
            epoch = BestValidationWeights.Load(folder.BestValidationModelPath, probe);
        }
        catch (CheckpointException e)
        {
            throw new CheckpointException($"{e.Message.TrimEnd('.')}; the checkpoint records the best validation error at epoch {state.BestValidationEpoch}, whose weights it should hold, so the run's final test of those weights cannot be made. Restore that file, or start the run again.", e);
        }

        if (epoch is { } e2 && e2 != state.BestValidationEpoch && e2 <= state.Epoch)
        {
            throw new CheckpointException($"{folder.BestValidationModelPath} holds the weights of epoch {e2}, but the checkpoint records the best validation error at epoch {state.BestValidationEpoch}. Restore the run's own file, or start the run again.");
        }
    }

    /// <summary>
    /// A resumed run whose training is over: says so, and when summary.json does not describe the checkpoint (missing,
    /// not completed, or of an earlier epoch) evaluates the checkpoint's weights and writes it.
    /// </summary>
    private static void Concluded(RunFolder folder, string hash, TrainingState state, TrainingOptions o, RunData data, MixupSharp.Distortion.Normalize normalize, Device device, StagedModel model, Action<string> info)
    {
        if (state.StoppedEarlyAfter > 0)
        {
            info($"{o.OutDir} stopped early after epoch {state.StoppedEarlyAfter} (no validation improvement for {o.EarlyStop} epochs); it has nothing left to train, and more --epochs do not continue it");
        }
        else
        {
            info($"{o.OutDir} has trained all {state.Epoch} epochs; give --epochs above {state.Epoch} to train more");
        }

        if (folder.ReadSummary() is { Completed: true } summary && summary.Epochs == state.Epoch && summary.ConfigHash == hash)
        {
            return;
        }

        info($"the final evaluation of epoch {state.Epoch} is missing (the run was stopped after its last checkpoint); evaluating the checkpoint's weights now");
        model.eval();
        var validated = data.Validation is null ? null : Evaluator.Evaluate(model, data.Validation, normalize, device);
        var evaluation = Evaluator.Evaluate(model, data.Test, normalize, device);
        double? trainError = data.TrainSample is { } sample ? Evaluator.Evaluate(model, sample, normalize, device).Error : null;
        var metrics = new EpochMetrics(state.Epoch, double.NaN, double.NaN, evaluation, double.NaN, 0, PeakMemoryMb(), null, validated, trainError);
        var bestTest = data.Validation is not null ? EvaluateBestValidation(folder, o, data.Train, data.Test, normalize, device) : null;
        WriteSummary(folder, hash, state, metrics, completed: true, data.Validation?.Count, bestTest);
    }

    /// <summary>summary.json; a stopped sitting (no <paramref name="last"/>) keeps the test metrics of the last completed epoch.</summary>
    private static void WriteSummary(RunFolder folder, string hash, TrainingState state, EpochMetrics? last, bool completed, long? validationImages = null, EvaluationResult? bestTest = null)
    {
        var previous = folder.ReadSummary();
        bool tested = last is not null && last.Test.Evaluated;
        var validated = last?.Validation;
        folder.WriteSummary(new RunSummary
        {
            TestError = tested ? Finite(last!.Test.Error) : previous?.TestError,
            TestNll = tested ? Finite(last!.Test.Nll) : previous?.TestNll,
            TestEce = tested ? Finite(last!.Test.Ece) : previous?.TestEce,
            TrainError = last?.TrainError is { } trainError && !double.IsNaN(trainError) ? trainError : previous?.TrainError,
            Validation = validationImages is null && previous?.Validation is null ? null : new ValidationSummary
            {
                Images = validationImages ?? previous!.Validation!.Images,
                Error = validated is null ? previous?.Validation?.Error : Finite(validated.Error),
                Nll = validated is null ? previous?.Validation?.Nll : Finite(validated.Nll),
                Ece = validated is null ? previous?.Validation?.Ece : Finite(validated.Ece),
                BestEpoch = state.BestValidationEpoch,
                BestError = Finite(state.BestValidationError),
                BestTestError = bestTest is null ? previous?.Validation?.BestTestError : Finite(bestTest.Error),
                BestTestNll = bestTest is null ? previous?.Validation?.BestTestNll : Finite(bestTest.Nll),
                BestTestEce = bestTest is null ? previous?.Validation?.BestTestEce : Finite(bestTest.Ece),
                StoppedEarlyAfter = state.StoppedEarlyAfter == 0 ? null : state.StoppedEarlyAfter,
            },
            BestTestError = Finite(state.BestTestError),
            BestEpoch = state.BestEpoch,
            Epochs = state.Epoch,
            TrainSeconds = state.TrainSeconds,
            ImagesPerSecond = state.TrainSeconds > 0 ? state.TrainImages / state.TrainSeconds : 0,
            Completed = completed,
            ConfigHash = hash,
        });
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
