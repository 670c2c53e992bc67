using System.Collections.Generic;
using MixupSharp.Mixing;
using MixupSharp.Pipelines;

namespace MixupSharp.Training.Methods;

/// <summary>SmoothMix (Lee et al., CVPRW 2020): a region with a Gaussian-smoothed edge.</summary>
public sealed class SmoothMixMethod : TrainingMethod
{
    /// <summary>The region's shape.</summary>
    public static readonly MethodOption<SmoothMixShape> Shape = MethodOption.Choice("smoothmix-shape", "shape of the region", SmoothMixShape.Circle);

    /// <inheritdoc />
    public override string Name => "smoothmix";

    /// <inheritdoc />
    public override string Description => "SmoothMix (Lee et al., 2020): the partner through a Gaussian-edged region";

    /// <inheritdoc />
    public override IReadOnlyList<MethodOption> Options => new MethodOption[] { Shape };

    /// <inheritdoc />
    public override PipelineStep Step(MethodContext context)
    {
        var o = context.Options;
        return PipelineStep.Of(new SmoothMix(context.NumClasses, new SmoothMixOptions { Shape = o.Get(Shape), Probability = o.Probability, LabelSmoothing = o.LabelSmoothing }));
    }
}
