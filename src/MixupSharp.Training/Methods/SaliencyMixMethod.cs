using MixupSharp.Mixing;
using MixupSharp.Pipelines;

namespace MixupSharp.Training.Methods;

/// <summary>SaliencyMix (Uddin et al., ICLR 2021): a CutMix box centred on the partner's most salient pixel.</summary>
public sealed class SaliencyMixMethod : TrainingMethod
{
    /// <inheritdoc />
    public override string Name => "saliencymix";

    /// <inheritdoc />
    public override string Description => "SaliencyMix (Uddin et al., 2021): a CutMix box around the partner's most salient pixel";

    /// <inheritdoc />
    public override PipelineStep Step(MethodContext context)
    {
        var o = context.Options;
        return PipelineStep.Of(new SaliencyMix(context.NumClasses, new SaliencyMixOptions { Alpha = o.Alpha, Probability = o.Probability, LabelSmoothing = o.LabelSmoothing }));
    }
}
