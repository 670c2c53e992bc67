using System;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// The base of cross-sample mixers whose draw depends on the batch (its shape, or its content for saliency): sample the
/// parameters, then apply them. Subclasses draw (<see cref="Sample"/>) and mix the inputs (<see cref="MixInputs"/>);
/// this class checks labels and parameters and mixes the soft targets by each sample's λ.
/// </summary>
/// <typeparam name="TParameters">The draw's type.</typeparam>
public abstract class SampleMixer<TParameters>
    where TParameters : class, IMixDraw
{
    /// <summary>Creates the mixer.</summary>
    /// <param name="numClasses">Classes of the soft targets.</param>
    /// <param name="labelSmoothing">ε folded into index labels before mixing.</param>
    protected SampleMixer(int numClasses, double labelSmoothing)
    {
        Guard.NumClasses(numClasses);
        Guard.Smoothing(labelSmoothing, nameof(labelSmoothing));
        NumClasses = numClasses;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>Classes of the soft targets.</summary>
    public int NumClasses { get; }

    /// <summary>Label smoothing ε.</summary>
    public double LabelSmoothing { get; }

    /// <summary>Draws the parameters for <paramref name="inputs"/> from <paramref name="generator"/> (on the CPU).</summary>
    public abstract TParameters Sample(Tensor inputs, Generator? generator = null);

    /// <summary>Samples, then applies; the result owns the parameters.</summary>
    public MixedSamples<TParameters> Apply(Tensor inputs, Tensor labels, Generator? generator = null)
    {
        Guard.NotNull(inputs, nameof(inputs));
        var parameters = Sample(inputs, generator);
        try
        {
            return Mix(inputs, labels, parameters, ownsParameters: true);
        }
        catch
        {
            parameters.Dispose();
            throw;
        }
    }

    /// <summary>Applies given parameters: pure, the same arguments give the same bytes.</summary>
    public MixedSamples<TParameters> Apply(Tensor inputs, Tensor labels, TParameters parameters) => Mix(inputs, labels, parameters, ownsParameters: false);

    /// <summary>Checks the batch's shape and dtype; throws an <see cref="ArgumentException"/> naming what was expected and what came.</summary>
    protected abstract void CheckInputs(Tensor inputs);

    /// <summary>Checks the parameters against the batch beyond their partners and λ (e.g. mask shapes).</summary>
    protected virtual void CheckParameters(TParameters parameters, Tensor inputs)
    {
    }

    /// <summary>The mixed inputs (new tensors on the inputs' device); <paramref name="partner"/> is already on that device.</summary>
    protected abstract Tensor MixInputs(Tensor inputs, Tensor partner, TParameters parameters);

    private MixedSamples<TParameters> Mix(Tensor inputs, Tensor labels, TParameters parameters, bool ownsParameters)
    {
        Guard.NotNull(inputs, nameof(inputs));
        Guard.NotNull(labels, nameof(labels));
        Guard.NotNull(parameters, nameof(parameters));
        CheckInputs(inputs);
        long n = inputs.shape[0];
        SoftTargets.CheckLabels(labels, n, NumClasses, nameof(labels));
        Guard.PerSample(parameters.Partner, ScalarType.Int64, n, "parameters.Partner", nameof(parameters));
        Guard.PerSample(parameters.Lambda, ScalarType.Float64, n, "parameters.Lambda", nameof(parameters));
        Guard.DrawValues(parameters.Lambda, parameters.Partner, n, nameof(parameters));
        CheckParameters(parameters, inputs);
        using var scope = torch.NewDisposeScope();
        var device = inputs.device;
        var partner = parameters.Partner.to(device);
        var mixed = MixInputs(inputs, partner, parameters);
        var targetType = inputs.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var targets = SoftTargets.Mixed(labels, partner, parameters.Lambda, NumClasses, LabelSmoothing, targetType);
        return new MixedSamples<TParameters>(mixed.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope(), parameters, ownsParameters);
    }
}
