using System.Collections.Generic;
using MixupSharp.Mixing;
using MixupSharp.Pipelines;

namespace MixupSharp.Training.Methods;

/// <summary>ResizeMix (Qin et al., 2020): the partner resized by τ and pasted whole.</summary>
public sealed class ResizeMixMethod : TrainingMethod
{
    /// <summary>The smallest scale τ.</summary>
    public static readonly MethodOption<double> MinScale = MethodOption.Double("resize-min", "T", "smallest scale of the pasted partner", 0.1, v => v is > 0 and <= 1, "must be in (0, 1]");

    /// <summary>The largest scale τ.</summary>
    public static readonly MethodOption<double> MaxScale = MethodOption.Double("resize-max", "T", "largest scale of the pasted partner", 0.8, v => v is > 0 and <= 1, "must be in (0, 1]");

    /// <inheritdoc />
    public override string Name => "resizemix";

    /// <inheritdoc />
    public override string Description => "ResizeMix (Qin et al., 2020): the partner resized by τ ~ U(min, max) and pasted";

    /// <inheritdoc />
    public override IReadOnlyList<MethodOption> Options => new MethodOption[] { MinScale, MaxScale };

    /// <inheritdoc />
    public override void Validate(Options.TrainingOptions options)
    {
        var (min, max) = (options.Get(MinScale), options.Get(MaxScale));
        if (min > max)
        {
            throw new Options.InvalidOptionException("resize-min", $"must be ≤ --resize-max ({max}); got {min}.");
        }
    }

    /// <inheritdoc />
    public override PipelineStep Step(MethodContext context)
    {
        var o = context.Options;
        return PipelineStep.Of(new ResizeMix(context.NumClasses, new ResizeMixOptions { ScaleRange = (o.Get(MinScale), o.Get(MaxScale)), Probability = o.Probability, LabelSmoothing = o.LabelSmoothing }));
    }
}
