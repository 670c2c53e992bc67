using MixupSharp.Hidden;

namespace MixupSharp.Training.Methods;

/// <summary>Manifold Mixup (Verma et al., ICML 2019): hidden states mixed at a point drawn per batch.</summary>
public sealed class ManifoldMixupMethod : TrainingMethod
{
    /// <inheritdoc />
    public override string Name => "manifold-mixup";

    /// <inheritdoc />
    public override string Description => "Manifold Mixup (Verma et al., ICML 2019): hidden states mixed at a point drawn per batch";

    /// <inheritdoc />
    public override string UnchangedCaption => "mixes hidden states";

    /// <inheritdoc />
    public override ForwardPass Forward(MethodContext context)
    {
        var mixer = new ManifoldMixup(context.Options.Alpha);
        return (model, inputs, targets, generator) =>
        {
            // Points 0 .. last-but-one: the input and every block output before the classifier head.
            using var parameters = mixer.Sample(inputs.shape[0], model.MixablePoints, generator);
            var hidden = model.ForwardTo(inputs, parameters.Point);
            var (mixed, mixedTargets) = mixer.Apply(hidden, targets, parameters);
            return (model.ForwardFrom(mixed, parameters.Point), mixedTargets);
        };
    }
}
