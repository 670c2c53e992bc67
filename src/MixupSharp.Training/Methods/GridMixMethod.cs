using System.Collections.Generic;
using MixupSharp.Mixing;
using MixupSharp.Pipelines;

namespace MixupSharp.Training.Methods;

/// <summary>GridMix (Baek et al., 2021): grid cells taken from the partner.</summary>
public sealed class GridMixMethod : TrainingMethod
{
    /// <summary>The smallest grid side.</summary>
    public static readonly MethodOption<int> MinCells = MethodOption.Int("grid-min", "N", "smallest grid side (cells)", 2, v => v >= 1, "must be ≥ 1");

    /// <summary>The largest grid side.</summary>
    public static readonly MethodOption<int> MaxCells = MethodOption.Int("grid-max", "N", "largest grid side (cells)", 6, v => v >= 1, "must be ≥ 1");

    /// <summary>The probability a cell comes from the partner.</summary>
    public static readonly MethodOption<double> CellProbability = MethodOption.Double("grid-cell-prob", "P", "probability that a cell comes from the partner", 0.5, v => v is >= 0 and <= 1, "must be in [0, 1]");

    /// <inheritdoc />
    public override string Name => "gridmix";

    /// <inheritdoc />
    public override string Description => "GridMix (Baek et al., 2021): n × n grid cells taken from the partner";

    /// <inheritdoc />
    public override IReadOnlyList<MethodOption> Options => new MethodOption[] { MinCells, MaxCells, CellProbability };

    /// <inheritdoc />
    public override void Validate(Options.TrainingOptions options)
    {
        var (min, max) = (options.Get(MinCells), options.Get(MaxCells));
        if (min > max)
        {
            throw new Options.InvalidOptionException("grid-min", $"must be ≤ --grid-max ({max}); got {min}.");
        }
    }

    /// <inheritdoc />
    public override PipelineStep Step(MethodContext context)
    {
        var o = context.Options;
        return PipelineStep.Of(new GridMix(context.NumClasses, new GridMixOptions { GridSizes = (o.Get(MinCells), o.Get(MaxCells)), CellProbability = o.Get(CellProbability), Probability = o.Probability, LabelSmoothing = o.LabelSmoothing }));
    }
}
