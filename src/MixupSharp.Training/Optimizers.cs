using System.Collections.Generic;
using System.Linq;
using MixupSharp.Training.Models;
using MixupSharp.Training.Options;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MixupSharp.Training;

/// <summary>
/// The optimizer of a run: SGD (momentum, Nesterov, L2 weight decay) or AdamW (decoupled weight decay, betas, ε), with
/// the weight decay off for biases and normalization weights when <see cref="TrainingOptions.NoDecayNormBias"/> is set.
/// </summary>
public static class Optimizers
{
    /// <summary>
    /// The optimizer over <paramref name="model"/>'s parameters, and after them the groups a method adds
    /// (<paramref name="extra"/>, each with its own learning rate and the run's other settings).
    /// </summary>
    public static OptimizerHelper Create(TrainingOptions o, StagedModel model, IReadOnlyList<Methods.MethodParameterGroup>? extra = null)
    {
        double beta1 = o.AdamBeta1, beta2 = o.AdamBeta2;
        if (extra is { Count: > 0 })
        {
            var own = o.NoDecayNormBias ? new[] { Split(model).Decay, Split(model).NoDecay } : new IReadOnlyList<Parameter>[] { model.parameters().ToList() };
            double[] decays = o.NoDecayNormBias ? new[] { o.WeightDecay, 0.0 } : new[] { o.WeightDecay };
            return o.Optimizer == OptimizerKind.AdamW
                ? optim.AdamW(
                    own.Select((p, i) => new AdamW.ParamGroup(p, new AdamW.Options { weight_decay = decays[i] }))
                        .Concat(extra.Select(g => new AdamW.ParamGroup(g.Parameters, new AdamW.Options { LearningRate = g.LearningRate, weight_decay = o.WeightDecay }))),
                    o.LearningRate, beta1, beta2, o.OptimizerEps, o.WeightDecay)
                : optim.SGD(
                    own.Select((p, i) => new SGD.ParamGroup(p, new SGD.Options { weight_decay = decays[i] }))
                        .Concat(extra.Select(g => new SGD.ParamGroup(g.Parameters, new SGD.Options { LearningRate = g.LearningRate, weight_decay = o.WeightDecay }))),
                    o.LearningRate, o.Momentum, weight_decay: o.WeightDecay, nesterov: o.Nesterov);
        }

        if (!o.NoDecayNormBias)
        {
            // One group, exactly as runs were always built (the golden runs pin SGD's bytes).
            return o.Optimizer == OptimizerKind.AdamW
                ? optim.AdamW(model.parameters(), o.LearningRate, beta1, beta2, o.OptimizerEps, o.WeightDecay)
                : optim.SGD(model.parameters(), o.LearningRate, o.Momentum, weight_decay: o.WeightDecay, nesterov: o.Nesterov);
        }

        var (decay, noDecay) = Split(model);
        return o.Optimizer == OptimizerKind.AdamW
            ? optim.AdamW(
                new[] { new AdamW.ParamGroup(decay, new AdamW.Options { weight_decay = o.WeightDecay }), new AdamW.ParamGroup(noDecay, new AdamW.Options { weight_decay = 0 }) },
                o.LearningRate, beta1, beta2, o.OptimizerEps, o.WeightDecay)
            : optim.SGD(
                new[] { new SGD.ParamGroup(decay, new SGD.Options { weight_decay = o.WeightDecay }), new SGD.ParamGroup(noDecay, new SGD.Options { weight_decay = 0 }) },
                o.LearningRate, o.Momentum, weight_decay: o.WeightDecay, nesterov: o.Nesterov);
    }

    // The parameters exempt by name, as timm's models list them in no_weight_decay(): a ViT's class token and position
    // embeddings, and ConvNeXt's layer scales (one-dimensional in timm, [C, 1, 1] in torchvision).
    private static readonly HashSet<string> NoDecayByName = new(System.StringComparer.Ordinal) { "class_token", "pos_embedding", "layer_scale" };

    /// <summary>
    /// The parameters that take weight decay (weights of convolutions and linear layers) and those that do not: every
    /// one-dimensional parameter (biases, BatchNorm/LayerNorm weights) and the ones timm's models name in
    /// <c>no_weight_decay()</c>, as timm's <c>param_groups_weight_decay</c> splits them.
    /// </summary>
    public static (IReadOnlyList<Parameter> Decay, IReadOnlyList<Parameter> NoDecay) Split(StagedModel model)
    {
        var all = model.named_parameters().Select(p => (Name: p.name, Value: p.parameter)).ToList();
        bool exempt((string Name, Parameter Value) p) => p.Value.dim() <= 1 || p.Name.EndsWith(".bias", System.StringComparison.Ordinal) || NoDecayByName.Contains(p.Name[(p.Name.LastIndexOf('.') + 1)..].TrimStart('_'));
        return (all.Where(p => !exempt(p)).Select(p => p.Value).ToList(), all.Where(exempt).Select(p => p.Value).ToList());
    }
}
