using System;
using System.Linq;
using MixupSharp.Training.Options;

namespace MixupSharp.Training;

/// <summary>The learning rate as a pure function of the position in training, so a resumed run needs no scheduler state.</summary>
public static class LearningRateSchedule
{
    /// <summary>The rate for step <paramref name="step"/> (0-based) of epoch <paramref name="epoch"/> (0-based).</summary>
    public static double At(TrainingOptions options, int epoch, long step, long stepsPerEpoch)
    {
        double progress = epoch + ((double)step / Math.Max(1, stepsPerEpoch));   // epochs done, fractional
        double rate = options.Schedule switch
        {
            ScheduleKind.Step => options.LearningRate * Math.Pow(options.Gamma, epoch / Math.Max(1, options.StepSize)),
            ScheduleKind.MultiStep => options.LearningRate * Math.Pow(options.Gamma, options.Milestones.Count(m => epoch >= m)),
            // With the default --min-lr 0 this is the formula's first form to the bit: 0 + (lr − 0)·… = lr·….
            ScheduleKind.Cosine => options.MinLearningRate + ((options.LearningRate - options.MinLearningRate) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress / options.Epochs)))),
            _ => options.LearningRate,
        };
        if (options.WarmupEpochs > 0 && progress < options.WarmupEpochs)
        {
            // Linear from --warmup-lr to the scheduled rate; with the default 0 it is rate·(progress / warm-up), as before.
            rate = options.WarmupLearningRate + ((rate - options.WarmupLearningRate) * (progress / options.WarmupEpochs));
        }

        return rate;
    }
}
