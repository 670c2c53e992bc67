using MixupSharp.Composite;
using MixupSharp.Pipelines;
using MixupSharp.Training.Options;

namespace MixupSharp.Training.Methods;

/// <summary>MaskDistortMix: a masked view and a distorted view of two samples blended (--blend), replacing or appended to the originals (--insertion).</summary>
public sealed class MaskDistortMixMethod : TrainingMethod
{
    /// <inheritdoc />
    public override string Name => "mask-distort-mix";

    /// <inheritdoc />
    public override string Description => "MaskDistortMix: a masked view and a distorted view of two samples blended (--blend), replacing or appended to the originals (--insertion)";

    /// <inheritdoc />
    public override PipelineStep Step(MethodContext context) =>
        PipelineStep.Of(MaskDistortMix.Create(context.NumClasses, CompositeOptions(context.Options)));

    /// <summary>The composite's options from the run's.</summary>
    public static MaskDistortMixOptions CompositeOptions(TrainingOptions o) => new()
    {
        Alpha = o.Alpha,
        Probability = o.Probability,
        LabelSmoothing = o.LabelSmoothing,
        Blend = o.Blend,
        Insertion = o.Insertion,
    };
}
