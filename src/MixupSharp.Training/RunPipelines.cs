using System;
using System.Collections.Generic;
using System.Linq;
using MixupSharp.Composite;
using MixupSharp.Distortion;
using MixupSharp.Losses;
using MixupSharp.Pipelines;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Models;
using MixupSharp.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training;

/// <summary>
/// The per-batch pipelines of a run, built once: the dataset's crop/flip (unless turned off), then the policy
/// augmentation (<c>--policy</c>), then the method's step (while the method is on), then the normalization, last; the
/// method's forward pass; and, with a Jensen–Shannon weight, the consistency views.
/// </summary>
public sealed class RunPipelines
{
    private readonly int _standardSteps;
    private readonly AugmentationPipeline? _standard;
    private readonly AugmentationPipeline? _views;
    private readonly ForwardPass _forward;

    /// <summary>Builds the pipelines of <paramref name="options"/> for data with <paramref name="numClasses"/> classes of side <paramref name="imageSize"/>.</summary>
    public RunPipelines(TrainingOptions options, int numClasses, long imageSize, Normalize normalize)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(normalize);
        var context = new MethodContext(options, numClasses, imageSize) { Normalization = normalize };
        var standard = options.StandardAugmentation ? RunData.StandardSteps(options) : Array.Empty<PipelineStep>();
        _standardSteps = standard.Count;
        var before = RunPolicies.Step(options) is { } policy ? standard.Append(policy).ToList() : standard;
        if (options.ReProb > 0)
        {
            before = before.Append(Erasing(options, normalize)).ToList();
        }
        WithMethod = Build(options, numClasses, before, options.Method.Step(context), normalize);
        WithoutMethod = Build(options, numClasses, before, null, normalize);
        _forward = options.Method.Forward(context);
        Normalize = normalize;
        if (options.JsdWeight > 0)
        {
            // The views repeat the clean view's crop/flip (replayed), then draw their own MaskDistortMix or AugMix.
            _standard = standard.Count > 0 ? new AugmentationPipeline(numClasses, RunData.StandardSteps(options).ToArray()) : null;
            var view = options.JsdViews == JsdViews.AugMix ? PipelineStep.Of(RunPolicies.AugMix(options)) : PipelineStep.Of(MaskDistortMix.Create(numClasses));
            _views = new AugmentationPipeline(numClasses, view, PipelineStep.Of(normalize));
            JsdWeight = options.JsdWeight;
        }
    }
    /// <summary>
    /// timm's Random Erasing (<c>--reprob --remode --recount</c>): area 0.02–1/3, aspect 0.3–3.3, up to --recount
    /// rectangles sharing the area, filled in the space of the normalization that follows (timm erases normalized images;
    /// ours are normalized last, so the fill is the mean, or mean + std·N(0, 1), which normalizes to timm's values).
    /// </summary>
    private static PipelineStep Erasing(TrainingOptions options, Normalize normalize) =>
        PipelineStep.Of(new MixupSharp.Masking.RandomErasing(new MixupSharp.Masking.RandomErasingOptions
        {
            Probability = options.ReProb,
            AreaRange = (0.02, 1.0 / 3.0),
            AspectRange = (0.3, 1 / 0.3),
            CountRange = (1, options.ReCount),
            Fill = options.ReMode switch
            {
                ErasingMode.Rand => MixupSharp.Masking.MaskFill.RandomPerChannel,
                ErasingMode.Pixel => MixupSharp.Masking.MaskFill.RandomPerPixel,
                _ => MixupSharp.Masking.MaskFill.Constant,
            },
            NormalizedFill = new MixupSharp.Masking.NormalizedFill(normalize.Mean, normalize.Std),
        }), "reprob");

    /// <summary>Crop/flip, the method, normalization.</summary>
    public AugmentationPipeline WithMethod { get; }

    /// <summary>Crop/flip and normalization: the pipeline once the method is off (<c>--mixup-off-epoch</c>).</summary>
    public AugmentationPipeline WithoutMethod { get; }

    /// <summary>The normalization.</summary>
    public Normalize Normalize { get; }

    /// <summary>The Jensen–Shannon weight (0: no consistency term).</summary>
    public double JsdWeight { get; }

    /// <summary>The forward pass: the method's while it is on, the model alone otherwise.</summary>
    public (Tensor Logits, Tensor Targets) Forward(StagedModel model, PipelineResult batch, bool methodOn, Generator generator) =>
        (methodOn ? _forward : TrainingMethod.PlainForward)(model, batch.Inputs, batch.Targets, generator);

    /// <summary>
    /// The Jensen–Shannon consistency term (Hendrycks et al., AugMix, ICLR 2020) over (clean, view 1, view 2): both views
    /// are MaskDistortMix or AugMix draws (<c>--jsd-views</c>) of the batch after the same crop/flip as the clean view,
    /// then normalized like it.
    /// </summary>
    /// <param name="model">The model's forward pass.</param>
    /// <param name="images">The loaded batch, [N, C, H, W] in [0, 1].</param>
    /// <param name="labels">Its labels.</param>
    /// <param name="clean">The clean view's pipeline result (its crop/flip draw is replayed).</param>
    /// <param name="cleanLogits">The clean view's logits; with an appending method, its first N rows are the originals.</param>
    /// <param name="generator">The augmentation generator.</param>
    public Tensor Consistency(Func<Tensor, Tensor> model, Tensor images, Tensor labels, PipelineResult clean, Tensor cleanLogits, Generator generator)
    {
        if (_views is null)
        {
            throw new InvalidOperationException("the run has no Jensen–Shannon weight.");
        }

        var cropped = images;
        if (_standard is not null)
        {
            // Not disposed: the replayed records belong to the clean view's result.
            var prefix = new PipelineParameters(new StepParameters(clean.Parameters.Root.Step, null, true, -1, clean.Parameters.Root.Children.Take(_standardSteps).ToList()));
            cropped = _standard.Apply(images, labels, prefix).Inputs;
        }

        var first = _views.Apply(cropped, labels, generator);
        var second = _views.Apply(cropped, labels, generator);
        var z1 = model(first.Inputs);
        var z2 = model(second.Inputs);
        if (cleanLogits.shape[0] != z1.shape[0])
        {
            cleanLogits = cleanLogits.narrow(0, 0, z1.shape[0]);
        }

        return JensenShannonConsistency.Compute(JsdWeight, cleanLogits, z1, z2);
    }

    private static AugmentationPipeline Build(TrainingOptions options, int numClasses, IReadOnlyList<PipelineStep> standard, PipelineStep? method, Normalize normalize)
    {
        var steps = new List<PipelineStep>(standard);
        if (method is not null)
        {
            steps.Add(method);
        }

        steps.Add(PipelineStep.Of(normalize));
        return new AugmentationPipeline(numClasses, options.LabelSmoothing, steps.ToArray());
    }
}
