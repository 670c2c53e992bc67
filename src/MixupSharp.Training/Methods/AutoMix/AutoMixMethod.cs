using System;
using System.Collections.Generic;

namespace MixupSharp.Training.Methods;

/// <summary>Whether AutoMix's Mix Block reads λ as an input channel.</summary>
public enum LamConcat
{
    /// <summary>λ is a channel of the block's input (ours: without it the mask cannot follow λ).</summary>
    On,

    /// <summary>OpenMixup's small-dataset configuration.</summary>
    Off,
}

/// <summary>
/// AutoMix (Liu et al., ECCV 2022, arXiv:2103.13027), as OpenMixup's <c>AutoMixup</c> with its small-dataset settings: a
/// Mix Block on the third stage's features of a momentum copy of the model learns the mixing mask; the model trains on
/// images mixed by the block's detached mask plus the clean images, and the block trains through the momentum encoder
/// with a mask loss. One optimizer, the block in a group of its own.
/// </summary>
public sealed class AutoMixMethod : TrainingMethod
{
    /// <summary>The Mix Block's learning rate.</summary>
    public static readonly MethodOption<double?> BlockLearningRate = MethodOption.OptionalDouble("automix-block-lr", "LR", "the Mix Block's learning rate (scheduled as --lr)", v => v > 0 && double.IsFinite(v), "must be > 0", "--lr");

    /// <summary>The mask loss's weight.</summary>
    public static readonly MethodOption<double> MaskLoss = MethodOption.Double("automix-mask-loss", "W", "weight of the Mix Block's mask loss", 0.1, v => v >= 0 && double.IsFinite(v), "must be finite and ≥ 0");

    /// <summary>The mask loss's margin.</summary>
    public static readonly MethodOption<double> MaskMargin = MethodOption.Double("automix-mask-margin", "M", "L1 margin of the mask loss", 0.1, v => v is >= 0 and < 1, "must be in [0, 1)");

    /// <summary>λ's margin below which the model trains on Mixup.</summary>
    public static readonly MethodOption<double> LamMargin = MethodOption.Double("automix-lam-margin", "M", "λ or 1 − λ at most this: the model trains on Mixup's constant mask", 0.08, v => v is >= 0 and < 0.5, "must be in [0, 0.5)");

    /// <summary>The momentum encoder's starting momentum.</summary>
    public static readonly MethodOption<double> Momentum = MethodOption.Double("automix-momentum", "M", "momentum encoder's momentum at the start", 0.999, v => v is >= 0 and <= 1, "must be in [0, 1]");

    /// <summary>The momentum encoder's final momentum.</summary>
    public static readonly MethodOption<double> EndMomentum = MethodOption.Double("automix-end-momentum", "M", "momentum at the end (cosine from 10% of the run)", 0.999999, v => v is >= 0 and <= 1, "must be in [0, 1]");

    /// <summary>Whether the block reads λ.</summary>
    public static readonly MethodOption<LamConcat> Lam = MethodOption.Choice("automix-lam-concat", "λ as an input channel of the Mix Block", LamConcat.On);

    /// <inheritdoc />
    public override string Name => "automix";

    /// <inheritdoc />
    public override string Description => "AutoMix (Liu et al., ECCV 2022): a learned Mix Block on a momentum encoder's stage-3 features; residual models only";

    /// <inheritdoc />
    public override string UnchangedCaption => "mixes with a learned block";

    /// <inheritdoc />
    public override IReadOnlyList<MethodOption> Options => new MethodOption[] { BlockLearningRate, MaskLoss, MaskMargin, LamMargin, Momentum, EndMomentum, Lam };

    /// <inheritdoc />
    public override void Validate(Options.TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.Alpha > 0))
        {
            throw new Options.InvalidOptionException("alpha", $"must be > 0 for automix (λ ~ Beta(α, α)); got {options.Alpha}.");
        }

        if (options.JsdWeight > 0)
        {
            throw new Options.InvalidOptionException("jsd-weight", "does not combine with --method automix (its step has losses of its own).");
        }

        if (options.Get(Momentum) > options.Get(EndMomentum))
        {
            throw new Options.InvalidOptionException("automix-momentum", $"must be ≤ --automix-end-momentum ({options.Get(EndMomentum)}); got {options.Get(Momentum)}.");
        }
    }

    /// <inheritdoc />
    public override MethodModules CreateModules(MethodSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var o = setup.Context.Options;
        return new AutoMixModules(setup, new AutoMixSettings(o.Alpha, o.Get(BlockLearningRate) ?? o.LearningRate, o.Get(MaskLoss), o.Get(MaskMargin), o.Get(LamMargin), o.Get(Momentum), o.Get(EndMomentum), o.Get(Lam) == LamConcat.On));
    }
}
