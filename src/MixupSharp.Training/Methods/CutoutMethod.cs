using MixupSharp.Masking;
using MixupSharp.Pipelines;
using System;

namespace MixupSharp.Training.Methods;

/// <summary>Cutout (DeVries and Taylor, 2017): a square of half the image side erased at a random centre.</summary>
public sealed class CutoutMethod : TrainingMethod
{
    /// <inheritdoc />
    public override string Name => "cutout";

    /// <inheritdoc />
    public override string Description => "Cutout (DeVries and Taylor, 2017): a square of half the image side erased at a random centre";

    /// <inheritdoc />
    public override PipelineStep Step(MethodContext context) =>
        PipelineStep.Of(new Cutout(new CutoutOptions { Size = (int)Math.Max(1, context.ImageSize / 2), Probability = context.Options.Probability }));
}
