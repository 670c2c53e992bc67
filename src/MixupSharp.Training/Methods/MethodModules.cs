using System;
using System.Collections.Generic;
using MixupSharp.Training.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MixupSharp.Training.Methods;

/// <summary>What a method that owns modules is built from: the run's context, its model and a way to build another.</summary>
/// <param name="Context">The run's options, classes and image size.</param>
/// <param name="Model">The model being trained (already on the run's device).</param>
/// <param name="NewModel">Builds a fresh model of the run's architecture (e.g. for a momentum copy).</param>
public sealed record MethodSetup(MethodContext Context, StagedModel Model, Func<StagedModel> NewModel);

/// <summary>Where a training step stands: iteration <see cref="Iteration"/> (0-based) of <see cref="Total"/>.</summary>
/// <param name="Iteration">Steps taken before this one, over the whole run.</param>
/// <param name="Total">Steps in the whole run.</param>
public sealed record StepProgress(long Iteration, long Total);

/// <summary>Parameters a method adds to the run's optimizer, with their own base learning rate (the schedule scales it as the run's).</summary>
/// <param name="Parameters">The parameters.</param>
/// <param name="LearningRate">Their learning rate where the run's is <c>--lr</c>.</param>
public sealed record MethodParameterGroup(IReadOnlyList<Parameter> Parameters, double LearningRate);

/// <summary>
/// The seam for methods that use the model and own modules of their own (AutoMix's Mix Block and momentum encoder): the
/// trainer adds their <see cref="ParameterGroups"/> to its optimizer, asks them for the step's whole <see cref="Loss"/>
/// while the method is on, calls <see cref="AfterStep"/> after each optimizer step, and keeps <see cref="Module"/> in the
/// checkpoint (resumed exactly). Evaluation and export use the run's model alone.
/// </summary>
public abstract class MethodModules : IDisposable
{
    /// <summary>One module holding everything to checkpoint, on the run's device.</summary>
    public abstract nn.Module Module { get; }

    /// <summary>The parameters the method trains beside the model's.</summary>
    public virtual IReadOnlyList<MethodParameterGroup> ParameterGroups => Array.Empty<MethodParameterGroup>();

    /// <summary>The step's loss (a scalar to backpropagate) on the normalized batch and its soft targets.</summary>
    public abstract Tensor Loss(StagedModel model, Tensor inputs, Tensor targets, Generator generator, StepProgress progress);

    /// <summary>Called after each optimizer step while the method is on (e.g. a momentum update).</summary>
    public virtual void AfterStep(StagedModel model, StepProgress progress)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes <see cref="Module"/>.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Module.Dispose();
        }
    }
}
