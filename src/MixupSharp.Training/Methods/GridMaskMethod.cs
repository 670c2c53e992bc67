using MixupSharp.Masking;
using MixupSharp.Pipelines;
using System;

namespace MixupSharp.Training.Methods;

/// <summary>GridMask (Chen et al., 2020): a grid of squares erased, unit size a quarter to a half of the image.</summary>
public sealed class GridMaskMethod : TrainingMethod
{
    /// <inheritdoc />
    public override string Name => "gridmask";

    /// <inheritdoc />
    public override string Description => "GridMask (Chen et al., 2020): a grid of squares erased, unit size a quarter to a half of the image";

    /// <inheritdoc />
    public override PipelineStep Step(MethodContext context) =>
        PipelineStep.Of(new GridMask(new GridMaskOptions { UnitSizeRange = ((int)Math.Max(2, context.ImageSize / 4), (int)Math.Max(2, context.ImageSize / 2)), Probability = context.Options.Probability }));
}
