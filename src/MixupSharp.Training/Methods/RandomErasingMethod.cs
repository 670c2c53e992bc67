using MixupSharp.Masking;
using MixupSharp.Pipelines;

namespace MixupSharp.Training.Methods;

/// <summary>Random Erasing (Zhong et al., AAAI 2020): a random rectangle filled with noise.</summary>
public sealed class RandomErasingMethod : TrainingMethod
{
    /// <inheritdoc />
    public override string Name => "random-erasing";

    /// <inheritdoc />
    public override string Description => "Random Erasing (Zhong et al., AAAI 2020): a random rectangle filled with noise";

    /// <inheritdoc />
    public override PipelineStep Step(MethodContext context) =>
        PipelineStep.Of(new RandomErasing(new RandomErasingOptions { Probability = context.Options.Probability }));
}
