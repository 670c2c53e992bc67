using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace MixupSharp.Policies;

/// <summary>The dataset whose learned AutoAugment policy to use (Cubuk et al., 2019, as torchvision 0.14 lists them).</summary>
public enum AutoAugmentPolicy
{
    /// <summary>The ImageNet policy (torchvision's default).</summary>
    [JsonStringEnumMemberName("imagenet")]
    ImageNet,

    /// <summary>The CIFAR-10 policy.</summary>
    Cifar10,

    /// <summary>The SVHN policy.</summary>
    Svhn,
}

/// <summary>One step of an AutoAugment sub-policy: the operation, its probability, and its magnitude bin (null: none).</summary>
/// <param name="Op">The operation.</param>
/// <param name="Probability">The probability that the step is applied.</param>
/// <param name="MagnitudeBin">The bin of <see cref="AugmentationSpace.AutoAugment"/>; null for operations without a magnitude.</param>
public sealed record SubPolicyStep(PolicyOp Op, double Probability, int? MagnitudeBin);

/// <summary>The 25 two-step sub-policies of each <see cref="AutoAugmentPolicy"/>, as torchvision 0.14's <c>AutoAugment._get_policies</c>.</summary>
public static class AutoAugmentPolicies
{
    /// <summary>The sub-policies of <paramref name="policy"/>.</summary>
    public static IReadOnlyList<IReadOnlyList<SubPolicyStep>> Of(AutoAugmentPolicy policy) => policy switch
    {
        AutoAugmentPolicy.ImageNet => ImageNet,
        AutoAugmentPolicy.Cifar10 => Cifar10,
        AutoAugmentPolicy.Svhn => Svhn,
        _ => throw new System.ArgumentOutOfRangeException(nameof(policy), policy, $"policy must be one of {string.Join(", ", System.Enum.GetNames<AutoAugmentPolicy>())}; got {policy}."),
    };

    private static readonly SubPolicyStep[][] ImageNet =
    {
        new[] { S(PolicyOp.Posterize, 0.4, 8), S(PolicyOp.Rotate, 0.6, 9) },
        new[] { S(PolicyOp.Solarize, 0.6, 5), S(PolicyOp.AutoContrast, 0.6, null) },
        new[] { S(PolicyOp.Equalize, 0.8, null), S(PolicyOp.Equalize, 0.6, null) },
        new[] { S(PolicyOp.Posterize, 0.6, 7), S(PolicyOp.Posterize, 0.6, 6) },
        new[] { S(PolicyOp.Equalize, 0.4, null), S(PolicyOp.Solarize, 0.2, 4) },
        new[] { S(PolicyOp.Equalize, 0.4, null), S(PolicyOp.Rotate, 0.8, 8) },
        new[] { S(PolicyOp.Solarize, 0.6, 3), S(PolicyOp.Equalize, 0.6, null) },
        new[] { S(PolicyOp.Posterize, 0.8, 5), S(PolicyOp.Equalize, 1.0, null) },
        new[] { S(PolicyOp.Rotate, 0.2, 3), S(PolicyOp.Solarize, 0.6, 8) },
        new[] { S(PolicyOp.Equalize, 0.6, null), S(PolicyOp.Posterize, 0.4, 6) },
        new[] { S(PolicyOp.Rotate, 0.8, 8), S(PolicyOp.Color, 0.4, 0) },
        new[] { S(PolicyOp.Rotate, 0.4, 9), S(PolicyOp.Equalize, 0.6, null) },
        new[] { S(PolicyOp.Equalize, 0.0, null), S(PolicyOp.Equalize, 0.8, null) },
        new[] { S(PolicyOp.Invert, 0.6, null), S(PolicyOp.Equalize, 1.0, null) },
        new[] { S(PolicyOp.Color, 0.6, 4), S(PolicyOp.Contrast, 1.0, 8) },
        new[] { S(PolicyOp.Rotate, 0.8, 8), S(PolicyOp.Color, 1.0, 2) },
        new[] { S(PolicyOp.Color, 0.8, 8), S(PolicyOp.Solarize, 0.8, 7) },
        new[] { S(PolicyOp.Sharpness, 0.4, 7), S(PolicyOp.Invert, 0.6, null) },
        new[] { S(PolicyOp.ShearX, 0.6, 5), S(PolicyOp.Equalize, 1.0, null) },
        new[] { S(PolicyOp.Color, 0.4, 0), S(PolicyOp.Equalize, 0.6, null) },
        new[] { S(PolicyOp.Equalize, 0.4, null), S(PolicyOp.Solarize, 0.2, 4) },
        new[] { S(PolicyOp.Solarize, 0.6, 5), S(PolicyOp.AutoContrast, 0.6, null) },
        new[] { S(PolicyOp.Invert, 0.6, null), S(PolicyOp.Equalize, 1.0, null) },
        new[] { S(PolicyOp.Color, 0.6, 4), S(PolicyOp.Contrast, 1.0, 8) },
        new[] { S(PolicyOp.Equalize, 0.8, null), S(PolicyOp.Equalize, 0.6, null) },
    };

    private static readonly SubPolicyStep[][] Cifar10 =
    {
        new[] { S(PolicyOp.Invert, 0.1, null), S(PolicyOp.Contrast, 0.2, 6) },
        new[] { S(PolicyOp.Rotate, 0.7, 2), S(PolicyOp.TranslateX, 0.3, 9) },
        new[] { S(PolicyOp.Sharpness, 0.8, 1), S(PolicyOp.Sharpness, 0.9, 3) },
        new[] { S(PolicyOp.ShearY, 0.5, 8), S(PolicyOp.TranslateY, 0.7, 9) },
        new[] { S(PolicyOp.AutoContrast, 0.5, null), S(PolicyOp.Equalize, 0.9, null) },
        new[] { S(PolicyOp.ShearY, 0.2, 7), S(PolicyOp.Posterize, 0.3, 7) },
        new[] { S(PolicyOp.Color, 0.4, 3), S(PolicyOp.Brightness, 0.6, 7) },
        new[] { S(PolicyOp.Sharpness, 0.3, 9), S(PolicyOp.Brightness, 0.7, 9) },
        new[] { S(PolicyOp.Equalize, 0.6, null), S(PolicyOp.Equalize, 0.5, null) },
        new[] { S(PolicyOp.Contrast, 0.6, 7), S(PolicyOp.Sharpness, 0.6, 5) },
        new[] { S(PolicyOp.Color, 0.7, 7), S(PolicyOp.TranslateX, 0.5, 8) },
        new[] { S(PolicyOp.Equalize, 0.3, null), S(PolicyOp.AutoContrast, 0.4, null) },
        new[] { S(PolicyOp.TranslateY, 0.4, 3), S(PolicyOp.Sharpness, 0.2, 6) },
        new[] { S(PolicyOp.Brightness, 0.9, 6), S(PolicyOp.Color, 0.2, 8) },
        new[] { S(PolicyOp.Solarize, 0.5, 2), S(PolicyOp.Invert, 0.0, null) },
        new[] { S(PolicyOp.Equalize, 0.2, null), S(PolicyOp.AutoContrast, 0.6, null) },
        new[] { S(PolicyOp.Equalize, 0.2, null), S(PolicyOp.Equalize, 0.6, null) },
        new[] { S(PolicyOp.Color, 0.9, 9), S(PolicyOp.Equalize, 0.6, null) },
        new[] { S(PolicyOp.AutoContrast, 0.8, null), S(PolicyOp.Solarize, 0.2, 8) },
        new[] { S(PolicyOp.Brightness, 0.1, 3), S(PolicyOp.Color, 0.7, 0) },
        new[] { S(PolicyOp.Solarize, 0.4, 5), S(PolicyOp.AutoContrast, 0.9, null) },
        new[] { S(PolicyOp.TranslateY, 0.9, 9), S(PolicyOp.TranslateY, 0.7, 9) },
        new[] { S(PolicyOp.AutoContrast, 0.9, null), S(PolicyOp.Solarize, 0.8, 3) },
        new[] { S(PolicyOp.Equalize, 0.8, null), S(PolicyOp.Invert, 0.1, null) },
        new[] { S(PolicyOp.TranslateY, 0.7, 9), S(PolicyOp.AutoContrast, 0.9, null) },
    };

    private static readonly SubPolicyStep[][] Svhn =
    {
        new[] { S(PolicyOp.ShearX, 0.9, 4), S(PolicyOp.Invert, 0.2, null) },
        new[] { S(PolicyOp.ShearY, 0.9, 8), S(PolicyOp.Invert, 0.7, null) },
        new[] { S(PolicyOp.Equalize, 0.6, null), S(PolicyOp.Solarize, 0.6, 6) },
        new[] { S(PolicyOp.Invert, 0.9, null), S(PolicyOp.Equalize, 0.6, null) },
        new[] { S(PolicyOp.Equalize, 0.6, null), S(PolicyOp.Rotate, 0.9, 3) },
        new[] { S(PolicyOp.ShearX, 0.9, 4), S(PolicyOp.AutoContrast, 0.8, null) },
        new[] { S(PolicyOp.ShearY, 0.9, 8), S(PolicyOp.Invert, 0.4, null) },
        new[] { S(PolicyOp.ShearY, 0.9, 5), S(PolicyOp.Solarize, 0.2, 6) },
        new[] { S(PolicyOp.Invert, 0.9, null), S(PolicyOp.AutoContrast, 0.8, null) },
        new[] { S(PolicyOp.Equalize, 0.6, null), S(PolicyOp.Rotate, 0.9, 3) },
        new[] { S(PolicyOp.ShearX, 0.9, 4), S(PolicyOp.Solarize, 0.3, 3) },
        new[] { S(PolicyOp.ShearY, 0.8, 8), S(PolicyOp.Invert, 0.7, null) },
        new[] { S(PolicyOp.Equalize, 0.9, null), S(PolicyOp.TranslateY, 0.6, 6) },
        new[] { S(PolicyOp.Invert, 0.9, null), S(PolicyOp.Equalize, 0.6, null) },
        new[] { S(PolicyOp.Contrast, 0.3, 3), S(PolicyOp.Rotate, 0.8, 4) },
        new[] { S(PolicyOp.Invert, 0.8, null), S(PolicyOp.TranslateY, 0.0, 2) },
        new[] { S(PolicyOp.ShearY, 0.7, 6), S(PolicyOp.Solarize, 0.4, 8) },
        new[] { S(PolicyOp.Invert, 0.6, null), S(PolicyOp.Rotate, 0.8, 4) },
        new[] { S(PolicyOp.ShearY, 0.3, 7), S(PolicyOp.TranslateX, 0.9, 3) },
        new[] { S(PolicyOp.ShearX, 0.1, 6), S(PolicyOp.Invert, 0.6, null) },
        new[] { S(PolicyOp.Solarize, 0.7, 2), S(PolicyOp.TranslateY, 0.6, 7) },
        new[] { S(PolicyOp.ShearY, 0.8, 4), S(PolicyOp.Invert, 0.8, null) },
        new[] { S(PolicyOp.ShearX, 0.7, 9), S(PolicyOp.TranslateY, 0.8, 3) },
        new[] { S(PolicyOp.ShearY, 0.8, 5), S(PolicyOp.AutoContrast, 0.7, null) },
        new[] { S(PolicyOp.ShearX, 0.7, 2), S(PolicyOp.Invert, 0.1, null) },
    };

    private static SubPolicyStep S(PolicyOp op, double probability, int? bin) => new(op, probability, bin);
}
