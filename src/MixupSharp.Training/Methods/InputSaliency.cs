using System;
using MixupSharp.Losses;
using MixupSharp.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Methods;

/// <summary>
/// The saliency PuzzleMix uses (Kim et al., ICML 2020, section 3.1): the ℓ2 norm over channels of the gradient of the
/// clean batch's loss with respect to its input, from one extra forward and backward pass. Only the input's gradient
/// is computed; the parameters' gradients are left as they were.
/// </summary>
public static class InputSaliency
{
    /// <summary>[N, H, W] saliency of <paramref name="inputs"/> [N, C, H, W] under <paramref name="model"/> and soft <paramref name="targets"/>.</summary>
    public static Tensor Compute(StagedModel model, Tensor inputs, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        using var scope = torch.NewDisposeScope();
        var x = inputs.detach().requires_grad_(true);
        var loss = SoftTargetCrossEntropy.Compute(model.call(x), targets);
        var gradient = torch.autograd.grad(new[] { loss }, new[] { x })[0];
        return gradient.square().sum(1).sqrt().detach().MoveToOuterDisposeScope();
    }
}
