using System;
using System.Linq;
using MixupSharp.Distortion;
using MixupSharp.Internal;
using MixupSharp.Masking;
using MixupSharp.Mixing;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Composite;

/// <summary>
/// Synthesizes training samples by blending a masked view M(x) and a distorted view D(x) of each sample with a
/// per-sample λ ~ Beta(α, α): λ·M(x) + (1 − λ)·D(x) (<see cref="Blend.Linear"/>) or M(x)^λ ∘ D(x)^(1 − λ)
/// (<see cref="Blend.Geometric"/>). The synthetic samples replace their originals or are appended after them.
/// </summary>
/// <remarks>
/// Data convention: floating images [N, C, H, W] in [0, 1] (any non-negative intensities for the geometric blend),
/// before normalization. Any <see cref="BatchMasker"/> gives M and any <see cref="InputAugmentation{TParameters}"/>
/// gives D. With <see cref="MaskDistortMixOptions.MixPartners"/> the distorted view comes from a partner and the
/// targets are mixed by λ as in Mixup; otherwise targets are the sample's own.
/// </remarks>
/// <typeparam name="TDistortion">The distortion's parameter type.</typeparam>
public sealed class MaskDistortMix<TDistortion>
    where TDistortion : IDisposable
{
    /// <summary>Creates the composite.</summary>
    /// <param name="numClasses">The number of classes (at least 2).</param>
    /// <param name="masking">The masking op that gives M(x).</param>
    /// <param name="distortion">The distortion that gives D(x).</param>
    /// <param name="options">The options; defaults when null.</param>
    public MaskDistortMix(int numClasses, BatchMasker masking, InputAugmentation<TDistortion> distortion, MaskDistortMixOptions? options = null)
    {
        Guard.NumClasses(numClasses);
        Guard.NotNull(masking, nameof(masking));
        Guard.NotNull(distortion, nameof(distortion));
        Options = options ?? new MaskDistortMixOptions();
        Guard.Alpha(Options.Alpha, "MaskDistortMixOptions.Alpha");
        Guard.Enum(Options.Blend, "MaskDistortMixOptions.Blend");
        Guard.Enum(Options.Insertion, "MaskDistortMixOptions.Insertion");
        Guard.Probability(Options.Probability, "MaskDistortMixOptions.Probability");
        Guard.Smoothing(Options.LabelSmoothing, "MaskDistortMixOptions.LabelSmoothing");
        NumClasses = numClasses;
        Masking = masking;
        Distortion = distortion;
    }

    /// <summary>The number of classes of the targets.</summary>
    public int NumClasses { get; }

    /// <summary>The masking op.</summary>
    public BatchMasker Masking { get; }

    /// <summary>The distortion.</summary>
    public InputAugmentation<TDistortion> Distortion { get; }

    /// <summary>The options in force.</summary>
    public MaskDistortMixOptions Options { get; }

    /// <summary>Draws the selection, λ, partners, then the masking and distortion parameters, in that order.</summary>
    public MaskDistortMixParameters<TDistortion> Sample(long[] inputShape, Generator? generator = null)
    {
        Guard.BatchShape(inputShape, nameof(inputShape), "images [N, C, H, W] for MaskDistortMix", exactDims: 4);
        long n = inputShape[0];
        double[] gate = Draws.Uniform(n, generator);
        double[] lambda = Draws.Beta(Options.Alpha, n, generator);
        long[] partner = Options.MixPartners ? Draws.Permutation(n, generator) : Enumerable.Range(0, (int)n).Select(i => (long)i).ToArray();
        var selected = gate.Select(u => u < Options.Probability).ToArray();
        var masking = Masking.Sample(inputShape, generator);
        TDistortion distortion;
        try
        {
            distortion = Distortion.Sample(inputShape, generator);
        }
        catch
        {
            masking.Dispose();
            throw;
        }

        return new MaskDistortMixParameters<TDistortion>(
            torch.tensor(lambda, dtype: ScalarType.Float64),
            torch.tensor(partner, dtype: ScalarType.Int64),
            torch.tensor(selected, dtype: ScalarType.Bool),
            masking,
            distortion);
    }

    /// <summary>Samples parameters, then applies them.</summary>
    /// <param name="inputs">Floating images [N, C, H, W].</param>
    /// <param name="labels">Class indices [N] (integer) or probabilities [N, numClasses] (floating).</param>
    /// <param name="generator">The random source; TorchSharp's default generator when null.</param>
    public MaskDistortMixBatch<TDistortion> Apply(Tensor inputs, Tensor labels, Generator? generator = null)
    {
        CheckInputs(inputs);
        var parameters = Sample(inputs.shape, generator);
        try
        {
            return Build(inputs, labels, parameters, ownsParameters: true);
        }
        catch
        {
            parameters.Dispose();
            throw;
        }
    }

    /// <summary>Applies given parameters: a deterministic replay. The result does not own <paramref name="parameters"/>.</summary>
    public MaskDistortMixBatch<TDistortion> Apply(Tensor inputs, Tensor labels, MaskDistortMixParameters<TDistortion> parameters) =>
        Build(inputs, labels, parameters, ownsParameters: false);

    /// <summary>
    /// The synthetic view of every sample (before selection and insertion): the blend of M(x_i) and D(x_partner(i)).
    /// </summary>
    public Tensor Synthesize(Tensor inputs, MaskDistortMixParameters<TDistortion> parameters)
    {
        CheckInputs(inputs);
        return SynthesizeChecked(inputs, parameters);
    }

    /// <summary><see cref="Synthesize"/> for inputs already checked (the geometric check is a full reduction).</summary>
    private Tensor SynthesizeChecked(Tensor inputs, MaskDistortMixParameters<TDistortion> parameters)
    {
        Guard.NotNull(parameters, nameof(parameters));
        long n = inputs.shape[0];
        CheckVector(parameters.Lambda, ScalarType.Float64, n, "Lambda");
        CheckVector(parameters.Partner, ScalarType.Int64, n, "Partner");
        using var scope = torch.NewDisposeScope();
        var device = inputs.device;
        var computeType = inputs.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var masked = Masking.Transform(inputs, parameters.Masking).to_type(computeType);
        var distorted = Distortion.Transform(inputs, parameters.Distortion).to_type(computeType);
        if (!IsIdentity(parameters.Partner))
        {
            distorted = distorted.index_select(0, parameters.Partner.to(device));
        }

        var lam = parameters.Lambda.to(device).to_type(computeType).reshape(n, 1, 1, 1);

        // Linear: D + λ·(M − D) in one lerp kernel; geometric: M^λ·D^(1−λ).
        var blended = Options.Blend == Blend.Geometric
            ? masked.pow(lam) * distorted.pow(1.0 - lam)
            : torch.lerp(distorted, masked, lam);
        return blended.to_type(inputs.dtype).MoveToOuterDisposeScope();
    }

    private MaskDistortMixBatch<TDistortion> Build(Tensor inputs, Tensor labels, MaskDistortMixParameters<TDistortion> parameters, bool ownsParameters)
    {
        CheckInputs(inputs);
        Guard.NotNull(labels, nameof(labels));
        long n = inputs.shape[0];
        SoftTargets.CheckLabels(labels, n, NumClasses, nameof(labels));
        CheckVector(parameters.Selected, ScalarType.Bool, n, "Selected");
        using var scope = torch.NewDisposeScope();
        var device = inputs.device;
        var synthetic = SynthesizeChecked(inputs, parameters);
        var targetType = inputs.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var own = SoftTargets.FromLabels(labels.to(device), NumClasses, Options.LabelSmoothing, targetType);
        var weight = parameters.Lambda.to(device).to_type(targetType).unsqueeze(1);
        var partner = parameters.Partner.to(device);
        var syntheticTargets = IsIdentity(parameters.Partner) ? own : (own * weight) + (own.index_select(0, partner) * (1.0 - weight));
        var selected = parameters.Selected.to(device);
        Tensor outInputs, outTargets;
        if (Options.Insertion == SyntheticInsertion.Append)
        {
            var index = selected.nonzero().reshape(-1);
            outInputs = torch.cat(new[] { inputs, synthetic.index_select(0, index) }, 0);
            outTargets = torch.cat(new[] { own, syntheticTargets.index_select(0, index) }, 0);
        }
        else if (selected.all().item<bool>())
        {
            outInputs = synthetic;
            outTargets = syntheticTargets;
        }
        else
        {
            outInputs = torch.where(selected.reshape(n, 1, 1, 1), synthetic, inputs);
            outTargets = torch.where(selected.reshape(n, 1), syntheticTargets, own);
        }

        return new MaskDistortMixBatch<TDistortion>(outInputs.MoveToOuterDisposeScope(), outTargets.MoveToOuterDisposeScope(), parameters, ownsParameters);
    }

    /// <summary>Whether every sample is its own partner (same-sample views): then neither pixels nor targets are gathered.</summary>
    private static bool IsIdentity(Tensor partner)
    {
        using var scope = torch.NewDisposeScope();
        long[] p = partner.cpu().data<long>().ToArray();
        for (long i = 0; i < p.Length; i++)
        {
            if (p[i] != i)
            {
                return false;
            }
        }

        return true;
    }

    private void CheckInputs(Tensor inputs)
    {
        Guard.NotNull(inputs, nameof(inputs));
        Guard.BatchShape(inputs.shape, nameof(inputs), "images [N, C, H, W] for MaskDistortMix", exactDims: 4);
        if (!Guard.IsFloating(inputs.dtype))
        {
            throw new ArgumentException($"MaskDistortMix blends views and needs floating images; got {Guard.Describe(inputs)}.", nameof(inputs));
        }

        if (Options.Blend == Blend.Geometric)
        {
            using var scope = torch.NewDisposeScope();
            double min = inputs.min().to_type(ScalarType.Float64).item<double>();
            if (min < 0)
            {
                throw new ArgumentException($"Blend.Geometric raises views to powers and needs non-negative intensities (images in [0, 1] before normalization); got a minimum of {min}.", nameof(inputs));
            }
        }
    }

    private static void CheckVector(Tensor t, ScalarType dtype, long n, string name)
    {
        if (t.dtype != dtype || !t.shape.SequenceEqual(new[] { n }))
        {
            throw new ArgumentException($"parameters.{name} must be {dtype} [{n}]; got {Guard.Describe(t)}.", "parameters");
        }
    }
}

/// <summary>Factory for the usual <see cref="MaskDistortMix{TDistortion}"/> configuration.</summary>
public static class MaskDistortMix
{
    /// <summary>
    /// Random Erasing (always applied) for the masked view and <see cref="RandomAffine"/> (rotation ±15°, shift 10%,
    /// scale 0.9–1.1) for the distorted view.
    /// </summary>
    public static MaskDistortMix<AffineParameters> Create(int numClasses, MaskDistortMixOptions? options = null) =>
        new(numClasses, new RandomErasing(new RandomErasingOptions { Probability = 1 }), new RandomAffine(), options);
}
