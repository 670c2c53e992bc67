using System;
using MixupSharp.Distortion;
using MixupSharp.Internal;
using static TorchSharp.torch;

namespace MixupSharp.Policies;

/// <summary>Options of <see cref="AutoAugment"/>; torchvision's defaults.</summary>
public sealed record AutoAugmentOptions
{
    /// <summary>Which learned policy. Default ImageNet, as torchvision.</summary>
    public AutoAugmentPolicy Policy { get; init; } = AutoAugmentPolicy.ImageNet;

    /// <summary>How shear, translate and rotate read between pixels. Default nearest, as torchvision.</summary>
    public Interpolation Interpolation { get; init; } = Interpolation.Nearest;
}

/// <summary>
/// AutoAugment (Cubuk, Zoph, Mané, Vasudevan and Le, "AutoAugment: Learning Augmentation Strategies from Data",
/// CVPR 2019): every sample draws one of the policy's 25 sub-policies uniformly; each of its two steps is applied with
/// the step's probability, at the step's magnitude bin of <see cref="AugmentationSpace.AutoAugment"/>, with a random
/// sign where the operation has one. torchvision 0.14's <c>AutoAugment</c>, per sample.
/// </summary>
public sealed class AutoAugment : PolicyAugmentation
{
    /// <summary>Creates AutoAugment.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public AutoAugment(AutoAugmentOptions? options = null)
        : base((options ?? new AutoAugmentOptions()).Interpolation)
    {
        Options = options ?? new AutoAugmentOptions();
        Guard.Enum(Options.Policy, "AutoAugmentOptions.Policy");
    }

    /// <summary>The options in force.</summary>
    public AutoAugmentOptions Options { get; }

    /// <inheritdoc />
    public override PolicyParameters Sample(long[] inputShape, Generator? generator = null)
    {
        CheckShape(inputShape);
        long n = inputShape[0];
        var policies = AutoAugmentPolicies.Of(Options.Policy);
        var space = AugmentationSpace.AutoAugment(inputShape[2], inputShape[3]);

        // Per sample: the sub-policy, then for each of its two steps a probability draw and a sign draw.
        double[] u = Draws.Uniform(5 * n, generator);
        var ops = new long[2 * n];
        var magnitudes = new double[2 * n];
        for (long i = 0; i < n; i++)
        {
            var sub = policies[Draws.Index(u[i], policies.Count)];
            for (int s = 0; s < 2; s++)
            {
                var step = sub[s];
                bool applied = u[n + (2 * i) + s] < step.Probability;
                var range = space[step.Op];
                double m = step.MagnitudeBin is { } bin ? range.At(bin) : 0.0;
                ops[(2 * i) + s] = applied ? (long)step.Op : (long)PolicyOp.Identity;
                magnitudes[(2 * i) + s] = !applied ? 0.0 : range.Signed && u[(3 * n) + (2 * i) + s] < 0.5 ? -m : m;
            }
        }

        return Parameters(ops, magnitudes, n, 2);
    }
}
