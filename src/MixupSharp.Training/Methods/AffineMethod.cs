using MixupSharp.Distortion;
using MixupSharp.Pipelines;

namespace MixupSharp.Training.Methods;

/// <summary>A random affine distortion (rotation, shift, scale, shear) per sample.</summary>
public sealed class AffineMethod : TrainingMethod
{
    /// <inheritdoc />
    public override string Name => "affine";

    /// <inheritdoc />
    public override string Description => "A random affine distortion (rotation, shift, scale, shear) per sample";

    /// <inheritdoc />
    public override PipelineStep Step(MethodContext context) =>
        PipelineStep.Of(new RandomAffine(new RandomAffineOptions { Probability = context.Options.Probability }));
}
