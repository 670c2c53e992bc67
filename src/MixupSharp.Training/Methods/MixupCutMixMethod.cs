using System.Collections.Generic;
using MixupSharp.Mixing;
using MixupSharp.Pipelines;

namespace MixupSharp.Training.Methods;

/// <summary>Mixup or CutMix as timm's <c>Mixup</c>: CutMix with the switch probability, each with its own α (default: the shared α).</summary>
public sealed class MixupCutMixMethod : TrainingMethod
{
    /// <inheritdoc />
    public override string Name => "mixup-cutmix";

    /// <inheritdoc />
    public override string Description => "Mixup or CutMix, as timm's Mixup: CutMix with the switch probability, each with its own α (default: --alpha)";

    /// <summary>timm's <c>mixup_alpha</c>; unset: the value of --alpha.</summary>
    public static readonly MethodOption<double?> MixupAlpha = MethodOption.OptionalDouble("mixup-alpha", "A", "Mixup's alpha (timm's mixup_alpha)", v => v >= 0, "must be ≥ 0", "the value of --alpha");

    /// <summary>timm's <c>cutmix_alpha</c>; unset: the value of --alpha.</summary>
    public static readonly MethodOption<double?> CutMixAlpha = MethodOption.OptionalDouble("cutmix-alpha", "A", "CutMix's alpha (timm's cutmix_alpha)", v => v >= 0, "must be ≥ 0", "the value of --alpha");

    /// <inheritdoc />
    public override IReadOnlyList<MethodOption> Options => new MethodOption[] { MixupAlpha, CutMixAlpha, MixingMethodOptions.Mode, MixingMethodOptions.CutMixMinMax };

    /// <inheritdoc />
    public override PipelineStep Step(MethodContext context)
    {
        var o = context.Options;
        return PipelineStep.Of(new MixupOrCutMix(context.NumClasses, new MixupOrCutMixOptions
        {
            MixupAlpha = o.Get(MixupAlpha) ?? o.Alpha,
            CutMixAlpha = o.Get(CutMixAlpha) ?? o.Alpha,
            SwitchProbability = o.SwitchProbability,
            Probability = o.Probability,
            LabelSmoothing = o.LabelSmoothing,
            Mode = MixingMethodOptions.ModeOf(o),
            SideRatioRange = MixingMethodOptions.MinMaxOf(o),
        }));
    }
}
