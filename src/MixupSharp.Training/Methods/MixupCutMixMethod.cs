using MixupSharp.Mixing;
using MixupSharp.Pipelines;

namespace MixupSharp.Training.Methods;

/// <summary>Mixup or CutMix per batch, as timm: CutMix with the switch probability, both with the same α.</summary>
public sealed class MixupCutMixMethod : TrainingMethod
{
    /// <inheritdoc />
    public override string Name => "mixup-cutmix";

    /// <inheritdoc />
    public override string Description => "Mixup or CutMix per batch, as timm: CutMix with the switch probability, both with the same α";

    /// <inheritdoc />
    public override PipelineStep Step(MethodContext context)
    {
        var o = context.Options;
        return PipelineStep.Of(new MixupOrCutMix(context.NumClasses, new MixupOrCutMixOptions { MixupAlpha = o.Alpha, CutMixAlpha = o.Alpha, SwitchProbability = o.SwitchProbability, Probability = o.Probability, LabelSmoothing = o.LabelSmoothing }));
    }
}
