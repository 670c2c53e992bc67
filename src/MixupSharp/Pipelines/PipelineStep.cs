using System;
using System.Collections.Generic;
using System.Linq;
using MixupSharp.Composite;
using MixupSharp.Distortion;
using MixupSharp.Internal;
using MixupSharp.Mixing;
using static TorchSharp.torch;

namespace MixupSharp.Pipelines;

/// <summary>
/// One step of an <see cref="AugmentationPipeline"/>: an augmentation, a deterministic transform, or a combinator
/// (sequence, random apply, random choice). Steps may change inputs, labels, or both (mixers turn labels into soft
/// targets).
/// </summary>
public abstract class PipelineStep
{
    private protected PipelineStep(string name)
    {
        Name = name;
    }

    /// <summary>The step's name, recorded with its parameters and checked on replay.</summary>
    public string Name { get; }

    /// <summary>A step that changes inputs only (masks, distortions, crops, flips).</summary>
    public static PipelineStep Of<TParameters>(InputAugmentation<TParameters> augmentation, string? name = null)
        where TParameters : IDisposable
    {
        Guard.NotNull(augmentation, nameof(augmentation));
        return new InputStep<TParameters>(name ?? augmentation.GetType().Name, augmentation);
    }

    /// <summary>A mixing step (Mixup, CutMix, MixupOrCutMix): labels become soft targets.</summary>
    public static PipelineStep Of(BatchMixer mixer, string? name = null)
    {
        Guard.NotNull(mixer, nameof(mixer));
        return new MixerStep(name ?? mixer.GetType().Name, mixer);
    }

    /// <summary>A step of a mixer whose draw depends on the batch (FMix, ResizeMix, SaliencyMix, SmoothMix, GridMix, your own).</summary>
    public static PipelineStep Of<TParameters>(SampleMixer<TParameters> mixer, string? name = null)
        where TParameters : class, IMixDraw
    {
        Guard.NotNull(mixer, nameof(mixer));
        return new SampleMixerStep<TParameters>(name ?? mixer.GetType().Name, mixer);
    }

    /// <summary>A mask-and-distort step: synthetic samples replace or are appended to the batch.</summary>
    public static PipelineStep Of<TDistortion>(MaskDistortMix<TDistortion> composite, string? name = null)
        where TDistortion : IDisposable
    {
        Guard.NotNull(composite, nameof(composite));
        return new MaskDistortMixStep<TDistortion>(name ?? "MaskDistortMix", composite);
    }

    /// <summary>Normalization, a deterministic step (the last step of a pipeline by convention).</summary>
    public static PipelineStep Of(Normalize normalize, string? name = null)
    {
        Guard.NotNull(normalize, nameof(normalize));
        return new NormalizeStep(name ?? nameof(Normalize), normalize);
    }

    /// <summary>Runs the steps one after the other.</summary>
    public static PipelineStep Sequence(params PipelineStep[] steps) => new SequenceStep("Sequence", Checked(steps, nameof(steps)));

    /// <summary>Runs <paramref name="step"/> with probability <paramref name="probability"/>, per batch.</summary>
    public static PipelineStep RandomApply(PipelineStep step, double probability)
    {
        Guard.NotNull(step, nameof(step));
        Guard.Probability(probability, nameof(probability));
        return new RandomApplyStep($"RandomApply({step.Name})", step, probability);
    }

    /// <summary>Runs one of the steps, chosen per batch with the given weights (uniform when null).</summary>
    public static PipelineStep RandomChoice(IReadOnlyList<PipelineStep> steps, IReadOnlyList<double>? weights = null)
    {
        var list = Checked(steps?.ToArray()!, nameof(steps));
        double[] w = weights?.ToArray() ?? Enumerable.Repeat(1.0, list.Length).ToArray();
        if (w.Length != list.Length || w.Any(v => !(v >= 0) || double.IsInfinity(v)) || w.Sum() <= 0)
        {
            throw new ArgumentException($"weights must be {list.Length} finite non-negative numbers with a positive sum; got [{string.Join(", ", w)}].", nameof(weights));
        }

        return new RandomChoiceStep("RandomChoice", list, w);
    }

    /// <summary>Runs the step: replays <paramref name="replay"/> when given, else samples from <paramref name="generator"/>.</summary>
    internal abstract Flow Run(Flow input, StepParameters? replay, Generator? generator, out StepParameters record);

    /// <summary>The class count of every mixer in this step (and below it), by step name: a pipeline's must agree.</summary>
    internal virtual IEnumerable<(string Step, int Classes)> ClassCounts() => Enumerable.Empty<(string, int)>();

    private protected void CheckReplay(StepParameters replay)
    {
        if (replay.Step != Name)
        {
            throw new ArgumentException($"replayed parameters are for step '{replay.Step}' but the pipeline has '{Name}' here.", nameof(replay));
        }
    }

    private protected T ReplayValues<T>(StepParameters replay)
    {
        CheckReplay(replay);
        return replay.Values is T typed
            ? typed
            : throw new ArgumentException($"replayed parameters of step '{Name}' are {replay.Values?.GetType().Name ?? "missing"}; expected {typeof(T).Name}.", nameof(replay));
    }

    private static PipelineStep[] Checked(PipelineStep[] steps, string name)
    {
        if (steps is null || steps.Length == 0 || steps.Any(s => s is null))
        {
            throw new ArgumentException("a pipeline combinator needs at least one step and no null steps.", name);
        }

        return steps;
    }
}

/// <summary>The batch flowing between steps: inputs and labels (indices [N], probabilities or soft targets [N, C]).</summary>
internal readonly record struct Flow(Tensor Inputs, Tensor Labels);
