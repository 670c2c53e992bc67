using System.Collections.Generic;
using MixupSharp.Mixing;
using MixupSharp.Pipelines;

namespace MixupSharp.Training.Methods;

/// <summary>Mixup (Zhang et al., ICLR 2018): images and soft targets blended by λ ~ Beta(α, α).</summary>
public sealed class MixupMethod : TrainingMethod
{
    /// <inheritdoc />
    public override string Name => "mixup";

    /// <inheritdoc />
    public override string Description => "Mixup (Zhang et al., ICLR 2018): images and soft targets blended by λ ~ Beta(α, α)";

    /// <inheritdoc />
    public override IReadOnlyList<MethodOption> Options => new MethodOption[] { MixingMethodOptions.Mode };

    /// <inheritdoc />
    public override PipelineStep Step(MethodContext context)
    {
        var o = context.Options;
        return PipelineStep.Of(new Mixup(context.NumClasses, new MixupOptions { Alpha = o.Alpha, Probability = o.Probability, LabelSmoothing = o.LabelSmoothing, Mode = MixingMethodOptions.ModeOf(o) }));
    }
}
