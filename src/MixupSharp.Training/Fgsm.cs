using System;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training;

/// <summary>
/// The fast gradient sign method (Goodfellow et al. 2015), the attack of the mixup paper's robustness experiment:
/// x_adv = clamp(x + ε · sign(∇ₓ CE(f(x), y)), 0, 1), with x in [0, 1] pixel units (before normalization).
/// </summary>
public static class Fgsm
{
    /// <summary>The adversarial images for <paramref name="images"/> (float [N, ...] in [0, 1]) and their true labels.</summary>
    /// <param name="logitsOf">The model from [0, 1] images to logits [N, classes] (normalization included).</param>
    /// <param name="images">Float images in [0, 1].</param>
    /// <param name="labels">Int64 [N] class indices.</param>
    /// <param name="epsilon">The step size in pixel units, ε ≥ 0 (e.g. 8/255); 0 returns a copy of the images.</param>
    /// <returns>A new tensor, detached, with the images' shape, dtype and device.</returns>
    public static Tensor Perturb(Func<Tensor, Tensor> logitsOf, Tensor images, Tensor labels, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(logitsOf);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (!double.IsFinite(epsilon) || epsilon < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"epsilon must be a finite number >= 0 (in [0, 1] pixel units); got {epsilon}.");
        }

        if (!images.is_floating_point())
        {
            throw new ArgumentException($"images must be a floating-point tensor in [0, 1]; got {images.dtype} [{string.Join(", ", images.shape)}].", nameof(images));
        }

        if (labels.dtype != ScalarType.Int64 || labels.dim() != 1 || labels.shape[0] != images.shape[0])
        {
            throw new ArgumentException($"labels must be int64 [{images.shape[0]}] (one class index per image); got {labels.dtype} [{string.Join(", ", labels.shape)}].", nameof(labels));
        }

        using var outer = torch.NewDisposeScope();
        using var grad = torch.enable_grad();
        var x = images.detach().clone().requires_grad_(true);
        var logits = logitsOf(x);
        if (logits.dim() != 2 || logits.shape[0] != images.shape[0])
        {
            throw new ArgumentException($"the model must return logits [{images.shape[0]}, classes]; got [{string.Join(", ", logits.shape)}].", nameof(logitsOf));
        }

        // Summed (not averaged) loss: each image's gradient is its own, whatever the batch size; only its sign is used.
        var loss = nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum);
        var gradient = torch.autograd.grad(new[] { loss }, new[] { x })[0];
        var adversarial = (images.detach() + (gradient.sign() * epsilon)).clamp(0, 1).to_type(images.dtype);
        return adversarial.MoveToOuterDisposeScope();
    }
}
