using System;
using System.Linq;

namespace MixupSharp.Training.Models;

/// <summary>Builds models by command-line name.</summary>
public static class ModelFactory
{
    /// <summary>The names <see cref="Create"/> accepts.</summary>
    public static readonly string[] Names = { "seednet", "preact-resnet18", "wide-resnet", "fast-resnet" };

    /// <summary>Creates the model <paramref name="name"/> for images with <paramref name="channels"/> channels of size <paramref name="imageSize"/>.</summary>
    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static StagedModel Create(string name, int channels, int imageSize, int numClasses, int wideDepth = 28, int wideWiden = 10) => name switch
    {
        "seednet" => new SeedNet(channels, imageSize, numClasses),
        "preact-resnet18" => new PreActResNet18(channels, numClasses),
        "wide-resnet" => new WideResNet(channels, numClasses, wideDepth, wideWiden),
        "fast-resnet" => new FastResNet(channels, numClasses),
        _ => throw new ArgumentException($"unknown model '{name}'; expected one of {string.Join(", ", Names)}.", nameof(name)),
    };
}
