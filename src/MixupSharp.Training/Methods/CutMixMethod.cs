using System.Collections.Generic;
using MixupSharp.Mixing;
using MixupSharp.Pipelines;

namespace MixupSharp.Training.Methods;

/// <summary>CutMix (Yun et al., ICCV 2019): a box of the partner pasted in; the target weight is the pasted area.</summary>
public sealed class CutMixMethod : TrainingMethod
{
    /// <inheritdoc />
    public override string Name => "cutmix";

    /// <inheritdoc />
    public override string Description => "CutMix (Yun et al., ICCV 2019): a box of the partner pasted in; the target weight is the pasted area";

    /// <inheritdoc />
    public override IReadOnlyList<MethodOption> Options => new MethodOption[] { MixingMethodOptions.Mode, MixingMethodOptions.CutMixMinMax };

    /// <inheritdoc />
    public override PipelineStep Step(MethodContext context)
    {
        var o = context.Options;
        return PipelineStep.Of(new CutMix(context.NumClasses, new CutMixOptions { Alpha = o.Alpha, Probability = o.Probability, LabelSmoothing = o.LabelSmoothing, Mode = MixingMethodOptions.ModeOf(o), SideRatioRange = MixingMethodOptions.MinMaxOf(o) }));
    }
}
