using System;
using System.Collections.Generic;
using MixupSharp.Mixing;

namespace MixupSharp.Training.Methods;

/// <summary>Whether PuzzleMix moves blocks within each image.</summary>
public enum PuzzleTransport
{
    /// <summary>Blocks move toward where the mask keeps them (the reference's default).</summary>
    On,

    /// <summary>The labelling alone.</summary>
    Off,
}

/// <summary>
/// PuzzleMix (Kim et al., ICML 2020): a saliency-aware block labelling and transport, drawn per step from the input
/// gradient of the clean batch (one extra forward and backward), with OpenMixup's CIFAR values by default.
/// </summary>
public sealed class PuzzleMixMethod : TrainingMethod
{
    /// <summary>The number of mask values.</summary>
    public static readonly MethodOption<int> Labels = MethodOption.Int("puzzle-labels", "L", "mask values per block (1, ..., 0 in L steps)", 3, v => v is >= 2 and <= 16, "must be in [2, 16]");

    /// <summary>β, the label smoothness.</summary>
    public static readonly MethodOption<double> Beta = MethodOption.Double("puzzle-beta", "B", "label smoothness β", 1.2, v => v >= 0 && double.IsFinite(v), "must be finite and ≥ 0");

    /// <summary>γ, the data smoothness.</summary>
    public static readonly MethodOption<double> Gamma = MethodOption.Double("puzzle-gamma", "G", "data smoothness γ", 0.5, v => v >= 0 && double.IsFinite(v), "must be finite and ≥ 0");

    /// <summary>η, the prior's weight.</summary>
    public static readonly MethodOption<double> Eta = MethodOption.Double("puzzle-eta", "E", "weight η of the prior from λ", 0.2, v => v >= 0 && double.IsFinite(v), "must be finite and ≥ 0");

    /// <summary>Whether blocks are transported.</summary>
    public static readonly MethodOption<PuzzleTransport> Transport = MethodOption.Choice("puzzle-transport", "move blocks within each image toward where the mask keeps them", PuzzleTransport.On);

    /// <summary>ε, the transport's distance weight.</summary>
    public static readonly MethodOption<double> TransportEps = MethodOption.Double("puzzle-t-eps", "E", "weight ε of the distance a block moves", 0.8, v => v >= 0 && double.IsFinite(v), "must be finite and ≥ 0");

    /// <inheritdoc />
    public override string Name => "puzzlemix";

    /// <inheritdoc />
    public override string Description => "PuzzleMix (Kim et al., ICML 2020): saliency-aware block mask and transport; one extra forward/backward per step";

    /// <inheritdoc />
    public override IReadOnlyList<MethodOption> Options => new MethodOption[] { Labels, Beta, Gamma, Eta, Transport, TransportEps };

    /// <summary>The library op for a run's options.</summary>
    public static PuzzleMix Mixer(MethodContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = context.Options;
        return new PuzzleMix(context.NumClasses, new PuzzleMixOptions
        {
            Alpha = o.Alpha,
            Labels = o.Get(Labels),
            Beta = o.Get(Beta),
            Gamma = o.Get(Gamma),
            Eta = o.Get(Eta),
            Transport = o.Get(Transport) == PuzzleTransport.On,
            TransportEps = o.Get(TransportEps),
        });
    }

    /// <inheritdoc />
    public override void Validate(Options.TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.Alpha > 0))
        {
            throw new Options.InvalidOptionException("alpha", $"must be > 0 for puzzlemix (λ ~ Beta(α, α) is its prior); got {options.Alpha}.");
        }
    }

    /// <inheritdoc />
    public override ForwardPass Forward(MethodContext context)
    {
        var puzzle = Mixer(context);
        var normalize = context.Normalization;
        return (model, inputs, targets, generator) =>
        {
            // The smoothness term reads pixels in [0, 1], as the reference's (it un-normalizes too); the mix is applied
            // to the normalized inputs the model takes.
            using var saliency = InputSaliency.Compute(model, inputs, targets);
            using var pixels = normalize is null ? inputs.detach().alias() : normalize.Inverse(inputs.detach());
            using var parameters = puzzle.Sample(pixels, saliency, generator);
            var mixed = puzzle.Apply(inputs, targets, parameters);
            return (model.call(mixed.Inputs), mixed.Targets);
        };
    }
}
