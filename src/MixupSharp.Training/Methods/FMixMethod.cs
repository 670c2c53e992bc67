using System.Collections.Generic;
using MixupSharp.Mixing;
using MixupSharp.Pipelines;

namespace MixupSharp.Training.Methods;

/// <summary>FMix (Harris et al., 2020): low-frequency masks from the Fourier domain, λ ~ Beta(α, α).</summary>
public sealed class FMixMethod : TrainingMethod
{
    /// <summary>δ, the decay power of the noise spectrum.</summary>
    public static readonly MethodOption<double> DecayPower = MethodOption.Double("decay-power", "D", "decay power of the 1/f^D noise spectrum", 3.0, v => v > 0, "must be > 0");

    /// <summary>The soft-edge fraction.</summary>
    public static readonly MethodOption<double> MaxSoft = MethodOption.Double("fmix-max-soft", "S", "soft-edge fraction, 0 (binary masks) to 0.5", 0.0, v => v is >= 0 and <= 0.5, "must be in [0, 0.5]");

    /// <inheritdoc />
    public override string Name => "fmix";

    /// <inheritdoc />
    public override string Description => "FMix (Harris et al., 2020): low-frequency Fourier masks, λ ~ Beta(α, α)";

    /// <inheritdoc />
    public override IReadOnlyList<MethodOption> Options => new MethodOption[] { DecayPower, MaxSoft };

    /// <inheritdoc />
    public override PipelineStep Step(MethodContext context)
    {
        var o = context.Options;
        return PipelineStep.Of(new FMix(context.NumClasses, new FMixOptions { Alpha = o.Alpha, DecayPower = o.Get(DecayPower), MaxSoft = o.Get(MaxSoft), Probability = o.Probability, LabelSmoothing = o.LabelSmoothing }));
    }
}
