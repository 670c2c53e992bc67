using System;
using MixupSharp.Masking;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Composite;

/// <summary>
/// The random draw of <see cref="MaskDistortMix{TDistortion}"/>: the view weights, the partners, which samples become
/// synthetic, and the masking and distortion parameters. Owns its tensors and both nested parameter objects.
/// </summary>
/// <typeparam name="TDistortion">The distortion's parameter type, e.g. <see cref="Distortion.AffineParameters"/>.</typeparam>
public sealed class MaskDistortMixParameters<TDistortion> : IDisposable, IMaskDistortMixParameters
    where TDistortion : IDisposable
{
    /// <summary>Creates parameters; this object owns everything passed in.</summary>
    /// <param name="lambda">Float64 [N]: the weight of the masked view.</param>
    /// <param name="partner">Int64 [N]: whose distorted view each sample is blended with (itself unless MixPartners).</param>
    /// <param name="selected">Bool [N]: which samples get a synthetic version.</param>
    /// <param name="masking">The masking op's parameters.</param>
    /// <param name="distortion">The distortion's parameters.</param>
    public MaskDistortMixParameters(Tensor lambda, Tensor partner, Tensor selected, MaskParameters masking, TDistortion distortion)
    {
        Lambda = lambda ?? throw new ArgumentNullException(nameof(lambda));
        Partner = partner ?? throw new ArgumentNullException(nameof(partner));
        Selected = selected ?? throw new ArgumentNullException(nameof(selected));
        Masking = masking ?? throw new ArgumentNullException(nameof(masking));
        Distortion = distortion ?? throw new ArgumentNullException(nameof(distortion));
    }

    /// <summary>Float64 [N]: the weight λ of the masked view (and of the sample's own label when partners are mixed).</summary>
    public Tensor Lambda { get; }

    /// <summary>Int64 [N]: the sample whose distorted view is blended in.</summary>
    public Tensor Partner { get; }

    /// <summary>Bool [N]: which samples get a synthetic version.</summary>
    public Tensor Selected { get; }

    /// <summary>The masking op's parameters (the mask M, fill and gate).</summary>
    public MaskParameters Masking { get; }

    /// <summary>The distortion's parameters (e.g. the affine matrices).</summary>
    public TDistortion Distortion { get; }

    IDisposable IMaskDistortMixParameters.Distortion => Distortion;

    /// <inheritdoc />
    public void Dispose()
    {
        Lambda.Dispose();
        Partner.Dispose();
        Selected.Dispose();
        Masking.Dispose();
        Distortion.Dispose();
    }
}

/// <summary>
/// The distortion-independent view of <see cref="MaskDistortMixParameters{TDistortion}"/>: what serialization, previews
/// and logs read without knowing the distortion's parameter type.
/// </summary>
public interface IMaskDistortMixParameters
{
    /// <summary>Weight of the masked view in each synthetic sample, [N] float64.</summary>
    Tensor Lambda { get; }

    /// <summary>The partner of each sample, [N] int64.</summary>
    Tensor Partner { get; }

    /// <summary>Which samples were replaced by (or appended as) synthetic ones, [N] bool.</summary>
    Tensor Selected { get; }

    /// <summary>The masking draw.</summary>
    MaskParameters Masking { get; }

    /// <summary>The distortion draw (its concrete type is the composite's distortion parameter type).</summary>
    IDisposable Distortion { get; }
}

/// <summary>The result of <see cref="MaskDistortMix{TDistortion}"/>: inputs, soft targets and the parameters.</summary>
/// <typeparam name="TDistortion">The distortion's parameter type.</typeparam>
public sealed class MaskDistortMixBatch<TDistortion> : IDisposable
    where TDistortion : IDisposable
{
    private readonly bool _ownsParameters;

    /// <summary>Creates a result that owns <paramref name="inputs"/> and <paramref name="targets"/>.</summary>
    public MaskDistortMixBatch(Tensor inputs, Tensor targets, MaskDistortMixParameters<TDistortion> parameters, bool ownsParameters)
    {
        Inputs = inputs ?? throw new ArgumentNullException(nameof(inputs));
        Targets = targets ?? throw new ArgumentNullException(nameof(targets));
        Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        _ownsParameters = ownsParameters;
    }

    /// <summary>The batch to train on: [N, C, H, W] with Replace, [N + selected, C, H, W] with Append (originals first).</summary>
    public Tensor Inputs { get; }

    /// <summary>Soft targets, one row per row of <see cref="Inputs"/>.</summary>
    public Tensor Targets { get; }

    /// <summary>The parameters that produced this batch.</summary>
    public MaskDistortMixParameters<TDistortion> Parameters { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Inputs.Dispose();
        Targets.Dispose();
        if (_ownsParameters)
        {
            Parameters.Dispose();
        }
    }
}
