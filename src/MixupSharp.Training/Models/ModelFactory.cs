using System;
using System.Linq;

namespace MixupSharp.Training.Models;

/// <summary>Builds models by command-line name.</summary>
public static class ModelFactory
{
    /// <summary>
    /// The names <see cref="Create"/> accepts: our four CIFAR-style models, then six with torchvision 0.14's names and
    /// forward (their published weights load with <c>--init-from</c>).
    /// </summary>
    public static readonly string[] Names = { "seednet", "preact-resnet18", "wide-resnet", "fast-resnet", "resnet18", "resnet50", "mobilenet-v3-large", "convnext-tiny", "vit-b-16", "deit-tiny" };

    /// <summary>The models whose weights are torchvision's (their native size is 224 px).</summary>
    public static readonly string[] Torchvision = { "resnet18", "resnet50", "mobilenet-v3-large", "convnext-tiny", "vit-b-16", "deit-tiny" };

    /// <summary>
    /// Creates the model <paramref name="name"/> for images with <paramref name="channels"/> channels of size
    /// <paramref name="imageSize"/>. <paramref name="dropPath"/> is the stochastic depth rate of the models that have it
    /// (ConvNeXt and the transformers); the others have none and ignore it (a recipe's rate applies where it can).
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static StagedModel Create(string name, int channels, int imageSize, int numClasses, int wideDepth = 28, int wideWiden = 10, double dropPath = 0)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            "seednet" => new SeedNet(channels, imageSize, numClasses),
            "preact-resnet18" => new PreActResNet18(channels, numClasses),
            "wide-resnet" => new WideResNet(channels, numClasses, wideDepth, wideWiden),
            "fast-resnet" => new FastResNet(channels, numClasses),
            "resnet18" => TorchvisionResNet.ResNet18(channels, numClasses),
            "resnet50" => TorchvisionResNet.ResNet50(channels, numClasses),
            "mobilenet-v3-large" => new MobileNetV3Large(channels, numClasses),
            "convnext-tiny" => new ConvNeXtTiny(channels, numClasses, dropPath),
            "vit-b-16" => VisionTransformer.VitB16(channels, imageSize, numClasses, dropPath),
            "deit-tiny" => VisionTransformer.DeitTiny(channels, imageSize, numClasses, dropPath),
            _ => throw new ArgumentException($"unknown model '{name}'; expected one of {string.Join(", ", Names)}.", nameof(name)),
        };
    }

    /// <summary>Whether <paramref name="name"/> takes a stochastic depth rate.</summary>
    public static bool HasStochasticDepth(string name) => name is "convnext-tiny" or "vit-b-16" or "deit-tiny";

    /// <summary>The image size a model was designed for: 224 for torchvision's, 28 for SeedNet, 32 for the CIFAR nets.</summary>
    public static int NativeSize(string name) => Torchvision.Contains(name) ? 224 : name == "seednet" ? 28 : 32;
}
