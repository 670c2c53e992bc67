using MixupSharp.Pipelines;
using MixupSharp.Policies;
using MixupSharp.Training.Options;

namespace MixupSharp.Training;

/// <summary>The policy augmentations of a run's options, built from the library's policies.</summary>
public static class RunPolicies
{
    /// <summary>The <c>--policy</c> step, or null for none.</summary>
    public static PipelineStep? Step(TrainingOptions options)
    {
        System.ArgumentNullException.ThrowIfNull(options);
        return options.Policy switch
        {
            TrainingPolicy.RandAugment => PipelineStep.Of(new RandAugment(new RandAugmentOptions { NumOps = options.RaOps, Magnitude = options.RaMagnitude, MagnitudeStd = options.RaMagnitudeStd })),
            TrainingPolicy.TrivialAugment => PipelineStep.Of(new TrivialAugmentWide()),
            TrainingPolicy.AutoAugment => PipelineStep.Of(new AutoAugment(new AutoAugmentOptions { Policy = options.AaPolicy })),
            TrainingPolicy.AugMix => PipelineStep.Of(AugMix(options)),
            _ => null,
        };
    }

    /// <summary>AugMix with the run's severity and width (the policy, and the Jensen–Shannon views).</summary>
    public static AugMix AugMix(TrainingOptions options)
    {
        System.ArgumentNullException.ThrowIfNull(options);
        return new AugMix(new AugMixOptions { Severity = options.AugmixSeverity, Width = options.AugmixWidth });
    }
}
