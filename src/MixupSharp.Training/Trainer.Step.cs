using System.Linq;
using MixupSharp.Losses;
using MixupSharp.Pipelines;
using MixupSharp.Training.Data;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Models;
using MixupSharp.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training;

/// <content>The loss of a step without a method's own modules, and the learning-rate scale of each optimizer group.</content>
public sealed partial class Trainer
{
    /// <summary>The method's forward pass (or the model's), soft-target cross-entropy, and the Jensen–Shannon term if on.</summary>
    private static Tensor Loss(StagedModel model, RunPipelines pipelines, LoadedBatch batch, PipelineResult augmented, bool methodOn, Generator generator)
    {
        var (logits, targets) = pipelines.Forward(model, augmented, methodOn, generator);
        var loss = SoftTargetCrossEntropy.Compute(logits, targets);
        if (pipelines.JsdWeight > 0)
        {
            loss = loss + pipelines.Consistency(model.call, batch.Images, batch.Labels, augmented, logits, generator);
        }

        return loss;
    }

    /// <summary>
    /// Each optimizer group's learning rate as a multiple of the run's: 1 for the model's groups, base / --lr for the
    /// groups a method adds, so the schedule moves them together as OpenMixup's (mmcv's) per-group base rates do.
    /// </summary>
    private static double[] GroupScales(TrainingOptions o, optim.Optimizer optimizer, MethodModules? method)
    {
        var extra = method?.ParameterGroups.Select(g => g.LearningRate / o.LearningRate).ToArray() ?? System.Array.Empty<double>();
        int own = optimizer.ParamGroups.Count() - extra.Length;
        return Enumerable.Repeat(1.0, own).Concat(extra).ToArray();
    }
}
