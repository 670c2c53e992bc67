using System;
using System.Collections.Generic;
using System.Linq;
using MixupSharp.Composite;
using MixupSharp.Distortion;
using MixupSharp.Internal;
using MixupSharp.Mixing;
using static TorchSharp.torch;

namespace MixupSharp.Pipelines;

internal sealed class InputStep<T> : PipelineStep
    where T : IDisposable
{
    private readonly InputAugmentation<T> _op;

    public InputStep(string name, InputAugmentation<T> op)
        : base(name) => _op = op;

    internal override Flow Run(Flow input, StepParameters? replay, Generator? generator, out StepParameters record)
    {
        T parameters = replay is null ? _op.Sample(input.Inputs.shape, generator) : ReplayValues<T>(replay);
        record = replay ?? new StepParameters(Name, parameters);
        return input with { Inputs = _op.Transform(input.Inputs, parameters) };
    }
}

internal sealed class MixerStep : PipelineStep
{
    private readonly BatchMixer _mixer;

    internal override IEnumerable<(string Step, int Classes)> ClassCounts() => new[] { (Name, _mixer.NumClasses) };

    public MixerStep(string name, BatchMixer mixer)
        : base(name) => _mixer = mixer;

    internal override Flow Run(Flow input, StepParameters? replay, Generator? generator, out StepParameters record)
    {
        var parameters = replay is null ? _mixer.Sample(input.Inputs.shape, generator) : ReplayValues<MixParameters>(replay);
        record = replay ?? new StepParameters(Name, parameters);

        // The batch does not own replayed/recorded parameters; its tensors become the flow's.
        var mixed = _mixer.Apply(input.Inputs, input.Labels, parameters);
        return new Flow(mixed.Inputs, mixed.Targets);
    }
}

internal sealed class SampleMixerStep<T> : PipelineStep
    where T : class, IMixDraw
{
    private readonly SampleMixer<T> _mixer;

    internal override IEnumerable<(string Step, int Classes)> ClassCounts() => new[] { (Name, _mixer.NumClasses) };

    public SampleMixerStep(string name, SampleMixer<T> mixer)
        : base(name) => _mixer = mixer;

    internal override Flow Run(Flow input, StepParameters? replay, Generator? generator, out StepParameters record)
    {
        var parameters = replay is null ? _mixer.Sample(input.Inputs, generator) : ReplayValues<T>(replay);
        record = replay ?? new StepParameters(Name, parameters);
        var mixed = _mixer.Apply(input.Inputs, input.Labels, parameters);
        return new Flow(mixed.Inputs, mixed.Targets);
    }
}

internal sealed class MaskDistortMixStep<T> : PipelineStep
    where T : IDisposable
{
    private readonly MaskDistortMix<T> _composite;

    internal override IEnumerable<(string Step, int Classes)> ClassCounts() => new[] { (Name, _composite.NumClasses) };

    public MaskDistortMixStep(string name, MaskDistortMix<T> composite)
        : base(name) => _composite = composite;

    internal override Flow Run(Flow input, StepParameters? replay, Generator? generator, out StepParameters record)
    {
        var parameters = replay is null ? _composite.Sample(input.Inputs.shape, generator) : ReplayValues<MaskDistortMixParameters<T>>(replay);
        record = replay ?? new StepParameters(Name, parameters);
        var batch = _composite.Apply(input.Inputs, input.Labels, parameters);
        return new Flow(batch.Inputs, batch.Targets);
    }
}

internal sealed class NormalizeStep : PipelineStep
{
    private readonly Normalize _normalize;

    public NormalizeStep(string name, Normalize normalize)
        : base(name) => _normalize = normalize;

    internal override Flow Run(Flow input, StepParameters? replay, Generator? generator, out StepParameters record)
    {
        if (replay is not null)
        {
            CheckReplay(replay);
        }

        record = replay ?? new StepParameters(Name);
        return input with { Inputs = _normalize.Transform(input.Inputs) };
    }
}

internal sealed class SequenceStep : PipelineStep
{
    private readonly PipelineStep[] _steps;

    internal override IEnumerable<(string Step, int Classes)> ClassCounts() => _steps.SelectMany(step => step.ClassCounts());

    public SequenceStep(string name, PipelineStep[] steps)
        : base(name) => _steps = steps;

    internal IReadOnlyList<PipelineStep> Steps => _steps;

    internal override Flow Run(Flow input, StepParameters? replay, Generator? generator, out StepParameters record)
    {
        if (replay is not null)
        {
            CheckReplay(replay);
            if (replay.Children.Count != _steps.Length)
            {
                throw new ArgumentException($"replayed parameters of '{Name}' have {replay.Children.Count} steps; the pipeline has {_steps.Length}.", nameof(replay));
            }
        }

        var children = new List<StepParameters>();
        var flow = input;
        try
        {
            for (int i = 0; i < _steps.Length; i++)
            {
                var next = _steps[i].Run(flow, replay?.Children[i], generator, out var childRecord);
                children.Add(childRecord);
                Release(flow, next, input);
                flow = next;
            }
        }
        catch
        {
            if (replay is null)
            {
                children.ForEach(c => c.Dispose());
            }

            Release(flow, default, input);
            throw;
        }

        record = replay ?? new StepParameters(Name, children: children);
        return flow;
    }

    /// <summary>Disposes the tensors of an intermediate flow that the next flow no longer uses and the caller does not own.</summary>
    internal static void Release(Flow old, Flow next, Flow callers)
    {
        foreach (var t in new[] { old.Inputs, old.Labels })
        {
            if (t is not null && !ReferenceEquals(t, next.Inputs) && !ReferenceEquals(t, next.Labels) && !ReferenceEquals(t, callers.Inputs) && !ReferenceEquals(t, callers.Labels))
            {
                t.Dispose();
            }
        }
    }
}

internal sealed class RandomApplyStep : PipelineStep
{
    private readonly PipelineStep _step;

    internal override IEnumerable<(string Step, int Classes)> ClassCounts() => _step.ClassCounts();
    private readonly double _probability;

    public RandomApplyStep(string name, PipelineStep step, double probability)
        : base(name)
    {
        _step = step;
        _probability = probability;
    }

    internal override Flow Run(Flow input, StepParameters? replay, Generator? generator, out StepParameters record)
    {
        bool applied;
        if (replay is null)
        {
            applied = Draws.Uniform(1, generator)[0] < _probability;
        }
        else
        {
            CheckReplay(replay);
            applied = replay.Applied;
        }

        if (!applied)
        {
            record = replay ?? new StepParameters(Name, applied: false);
            return input;
        }

        var output = _step.Run(input, replay?.Children.Single(), generator, out var child);
        record = replay ?? new StepParameters(Name, children: new[] { child });
        return output;
    }
}

internal sealed class RandomChoiceStep : PipelineStep
{
    private readonly PipelineStep[] _steps;

    internal override IEnumerable<(string Step, int Classes)> ClassCounts() => _steps.SelectMany(step => step.ClassCounts());
    private readonly double[] _weights;

    public RandomChoiceStep(string name, PipelineStep[] steps, double[] weights)
        : base(name)
    {
        _steps = steps;
        _weights = weights;
    }

    internal override Flow Run(Flow input, StepParameters? replay, Generator? generator, out StepParameters record)
    {
        int choice;
        if (replay is null)
        {
            double u = Draws.Uniform(1, generator)[0] * _weights.Sum();
            choice = 0;
            for (double acc = _weights[0]; choice < _steps.Length - 1 && u >= acc; acc += _weights[++choice])
            {
            }
        }
        else
        {
            CheckReplay(replay);
            choice = replay.Choice;
            if (choice < 0 || choice >= _steps.Length)
            {
                throw new ArgumentException($"replayed choice {choice} of '{Name}' is outside [0, {_steps.Length}).", nameof(replay));
            }
        }

        var output = _steps[choice].Run(input, replay?.Children.Single(), generator, out var child);
        record = replay ?? new StepParameters(Name, choice: choice, children: new[] { child });
        return output;
    }
}
