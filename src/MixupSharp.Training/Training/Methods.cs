using System;
using System.Collections.Generic;
using MixupSharp.Composite;
using MixupSharp.Distortion;
using MixupSharp.Masking;
using MixupSharp.Mixing;
using MixupSharp.Pipelines;

namespace MixupSharp.Training;

/// <summary>The training methods by command-line name, each built as per-batch pipeline steps.</summary>
public static class Methods
{
    /// <summary>Every method name.</summary>
    public static readonly string[] Names =
    {
        "erm", "mixup", "cutmix", "mixup-cutmix", "cutout", "random-erasing", "gridmask", "affine", "mask-distort-mix", "manifold-mixup",
    };

    /// <summary>
    /// The per-batch pipeline: the dataset's crop/flip (unless turned off), the method (when <paramref name="methodOn"/>;
    /// Manifold Mixup mixes inside the model instead), then the dataset's normalization, last.
    /// </summary>
    public static AugmentationPipeline Pipeline(TrainingOptions options, int numClasses, long imageSize, IEnumerable<PipelineStep> standard, Normalize normalize, bool methodOn)
    {
        var steps = new List<PipelineStep>();
        if (options.StandardAugmentation)
        {
            steps.AddRange(standard);
        }

        if (methodOn && Step(options, numClasses, imageSize) is { } method)
        {
            steps.Add(method);
        }

        steps.Add(PipelineStep.Of(normalize));
        return new AugmentationPipeline(numClasses, options.LabelSmoothing, steps.ToArray());
    }

    /// <summary>The method's own step, or null for ERM and Manifold Mixup.</summary>
    public static PipelineStep? Step(TrainingOptions o, int numClasses, long imageSize) => o.Method switch
    {
        "erm" or "manifold-mixup" => null,
        "mixup" => PipelineStep.Of(new Mixup(numClasses, new MixupOptions { Alpha = o.Alpha, Probability = o.Probability, LabelSmoothing = o.LabelSmoothing })),
        "cutmix" => PipelineStep.Of(new CutMix(numClasses, new CutMixOptions { Alpha = o.Alpha, Probability = o.Probability, LabelSmoothing = o.LabelSmoothing })),
        "mixup-cutmix" => PipelineStep.Of(new MixupOrCutMix(numClasses, new MixupOrCutMixOptions { MixupAlpha = o.Alpha, CutMixAlpha = o.Alpha, SwitchProbability = o.SwitchProbability, Probability = o.Probability, LabelSmoothing = o.LabelSmoothing })),
        "cutout" => PipelineStep.Of(new Cutout(new CutoutOptions { Size = (int)Math.Max(1, imageSize / 2), Probability = o.Probability })),
        "random-erasing" => PipelineStep.Of(new RandomErasing(new RandomErasingOptions { Probability = o.Probability })),
        "gridmask" => PipelineStep.Of(new GridMask(new GridMaskOptions { UnitSizeRange = ((int)Math.Max(2, imageSize / 4), (int)Math.Max(2, imageSize / 2)), Probability = o.Probability })),
        "affine" => PipelineStep.Of(new RandomAffine(new RandomAffineOptions { Probability = o.Probability })),
        "mask-distort-mix" => PipelineStep.Of(MaskDistortMix.Create(numClasses, MaskDistortMixOptions(o))),
        _ => throw new ArgumentException($"unknown method '{o.Method}'; expected one of {string.Join(", ", Names)}."),
    };

    /// <summary>MaskDistortMix options from the run options.</summary>
    public static MaskDistortMixOptions MaskDistortMixOptions(TrainingOptions o) => new()
    {
        Alpha = o.Alpha,
        Probability = o.Probability,
        LabelSmoothing = o.LabelSmoothing,
        Blend = o.Blend == "geometric" ? Blend.Geometric : Blend.Linear,
        Insertion = o.Insertion == "append" ? SyntheticInsertion.Append : SyntheticInsertion.Replace,
    };
}
