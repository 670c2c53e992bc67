using System;
using MixupSharp.Internal;
using MixupSharp.Mixing;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Pipelines;

/// <summary>
/// Chains batch augmentations, e.g. random crop → flip → RandomErasing → MixupOrCutMix → Normalize, where each step
/// may change inputs and targets. The whole chain's draws come back as one replayable <see cref="PipelineParameters"/>,
/// which can also be written to and read from JSON (for logging, and replay in another process).
/// </summary>
/// <remarks>
/// Labels enter as class indices [N] or probabilities [N, C]; mixing steps turn them into soft targets, and whatever is
/// still an index at the end becomes a one-hot row smoothed by <see cref="LabelSmoothing"/>.
/// </remarks>
public sealed class AugmentationPipeline
{
    private readonly PipelineStep _root;

    /// <summary>Creates a pipeline that runs <paramref name="steps"/> in order.</summary>
    /// <param name="numClasses">The number of classes of the targets (at least 2).</param>
    /// <param name="steps">The steps.</param>
    public AugmentationPipeline(int numClasses, params PipelineStep[] steps)
        : this(numClasses, 0.0, steps)
    {
    }

    /// <summary>Creates a pipeline that runs <paramref name="steps"/> in order, smoothing index labels that no mixer turned into targets.</summary>
    public AugmentationPipeline(int numClasses, double labelSmoothing, params PipelineStep[] steps)
    {
        Guard.NumClasses(numClasses);
        Guard.Smoothing(labelSmoothing, nameof(labelSmoothing));
        NumClasses = numClasses;
        LabelSmoothing = labelSmoothing;
        _root = PipelineStep.Sequence(steps);
        foreach (var (step, classes) in _root.ClassCounts())
        {
            if (classes != numClasses)
            {
                throw new ArgumentException($"the pipeline has {numClasses} classes but its step '{step}' mixes targets of {classes}; give both the same class count.", nameof(steps));
            }
        }
    }

    /// <summary>The number of classes.</summary>
    public int NumClasses { get; }

    /// <summary>The label smoothing applied to index labels at the end of the pipeline.</summary>
    public double LabelSmoothing { get; }

    /// <summary>Runs every step, drawing from <paramref name="generator"/>.</summary>
    /// <param name="inputs">The batch.</param>
    /// <param name="labels">Class indices [N] or probabilities [N, C].</param>
    /// <param name="generator">The random source; TorchSharp's default generator when null.</param>
    /// <returns>Inputs, soft targets and every step's parameters; the result owns them all.</returns>
    public PipelineResult Apply(Tensor inputs, Tensor labels, Generator? generator = null) => Run(inputs, labels, null, generator);

    /// <summary>Replays recorded parameters: same inputs, same bytes. The result does not own <paramref name="parameters"/>.</summary>
    public PipelineResult Apply(Tensor inputs, Tensor labels, PipelineParameters parameters)
    {
        Guard.NotNull(parameters, nameof(parameters));
        return Run(inputs, labels, parameters, null);
    }

    private PipelineResult Run(Tensor inputs, Tensor labels, PipelineParameters? replay, Generator? generator)
    {
        Guard.NotNull(inputs, nameof(inputs));
        Guard.NotNull(labels, nameof(labels));
        Guard.BatchShape(inputs.shape, nameof(inputs), "a batch [N, ...]");
        SoftTargets.CheckLabels(labels, inputs.shape[0], NumClasses, nameof(labels));
        var callers = new Flow(inputs, labels);
        var flow = _root.Run(callers, replay?.Root, generator, out var record);
        try
        {
            var targetType = flow.Inputs.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
            var targets = flow.Labels.shape.Length == 1
                ? SoftTargets.FromIndices(flow.Labels, NumClasses, LabelSmoothing, targetType)
                : ReferenceEquals(flow.Labels, labels) ? labels.to_type(targetType).clone() : flow.Labels;
            var outputs = ReferenceEquals(flow.Inputs, inputs) ? inputs.clone() : flow.Inputs;
            SequenceStep.Release(flow, new Flow(outputs, targets), callers);
            return new PipelineResult(outputs, targets, replay ?? new PipelineParameters(record), ownsParameters: replay is null);
        }
        catch
        {
            if (replay is null)
            {
                record.Dispose();
            }

            throw;
        }
    }
}

/// <summary>The result of an <see cref="AugmentationPipeline"/>: inputs, soft targets and every step's parameters.</summary>
public sealed class PipelineResult : IDisposable
{
    private readonly bool _ownsParameters;

    internal PipelineResult(Tensor inputs, Tensor targets, PipelineParameters parameters, bool ownsParameters)
    {
        Inputs = inputs;
        Targets = targets;
        Parameters = parameters;
        _ownsParameters = ownsParameters;
    }

    /// <summary>The augmented batch.</summary>
    public Tensor Inputs { get; }

    /// <summary>Soft targets [rows of <see cref="Inputs"/>, numClasses].</summary>
    public Tensor Targets { get; }

    /// <summary>Every step's parameters; replay them with <see cref="AugmentationPipeline.Apply(Tensor, Tensor, PipelineParameters)"/>.</summary>
    public PipelineParameters Parameters { get; }

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
