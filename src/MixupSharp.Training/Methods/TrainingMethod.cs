using System;
using System.Collections.Generic;
using MixupSharp.Pipelines;
using MixupSharp.Training.Models;
using MixupSharp.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Methods;

/// <summary>What a method is built for: the run's options and the data's shape.</summary>
/// <param name="Options">The run's options (a method reads its own with <see cref="TrainingOptions.Get{T}"/>).</param>
/// <param name="NumClasses">The number of classes.</param>
/// <param name="ImageSize">The side of the (square) images.</param>
public sealed record MethodContext(TrainingOptions Options, int NumClasses, long ImageSize)
{
    /// <summary>The normalization applied to the inputs after the pipeline, for methods that read pixels in [0, 1]; null where unknown.</summary>
    public MixupSharp.Distortion.Normalize? Normalization { get; init; }
}

/// <summary>One training step's forward pass: logits and the targets to train them on.</summary>
/// <param name="model">The model, in training mode.</param>
/// <param name="inputs">The batch after the pipeline (normalized).</param>
/// <param name="targets">Its soft targets.</param>
/// <param name="generator">The run's augmentation generator.</param>
public delegate (Tensor Logits, Tensor Targets) ForwardPass(StagedModel model, Tensor inputs, Tensor targets, Generator generator);

/// <summary>
/// A training method: its name (what <c>--method</c> and variants files say), the options it declares, the pipeline step
/// it adds between the dataset's crop/flip and the normalization, and, for methods that act inside the model, its
/// forward pass. Register new ones with <see cref="KnownMethods.Register"/>.
/// </summary>
public abstract class TrainingMethod
{
    /// <summary>A forward pass that only calls the model.</summary>
    public static readonly ForwardPass PlainForward = (model, inputs, targets, _) => (model.call(inputs), targets);

    /// <summary>The name, e.g. <c>mixup</c>: kebab-case, unique among the known methods.</summary>
    public abstract string Name { get; }

    /// <summary>One line for the CLI's help.</summary>
    public abstract string Description { get; }

    /// <summary>The options this method declares for itself (beyond the shared --alpha, --prob, ...).</summary>
    public virtual IReadOnlyList<MethodOption> Options => Array.Empty<MethodOption>();

    /// <summary>What a preview says under an image the method leaves unchanged.</summary>
    public virtual string UnchangedCaption => "unchanged";

    /// <summary>The method's pipeline step, or null when it changes no input.</summary>
    public virtual PipelineStep? Step(MethodContext context) => null;

    /// <summary>
    /// Checks the method's options against each other (each alone is checked by its <see cref="MethodOption"/>); throws an
    /// <see cref="Options.InvalidOptionException"/> naming the option, so the CLI says which flags disagree (exit 2)
    /// before anything is written.
    /// </summary>
    public virtual void Validate(Options.TrainingOptions options)
    {
    }

    /// <summary>The forward pass of a training step while the method is on.</summary>
    public virtual ForwardPass Forward(MethodContext context) => PlainForward;

    /// <summary>
    /// For methods that own modules (trained beside the model, checkpointed with it): builds them once per run; null (the
    /// default) for methods that do not. While such a method is on, its <see cref="MethodModules.Loss"/> replaces the
    /// forward pass and the loss.
    /// </summary>
    public virtual MethodModules? CreateModules(MethodSetup setup) => null;

    /// <inheritdoc />
    public sealed override string ToString() => Name;
}
