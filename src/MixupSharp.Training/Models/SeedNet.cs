using System;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MixupSharp.Training.Models;

/// <summary>
/// The small CNN of the write-up this project started from: conv 3×3 (padding 1) → 32, ReLU, max-pool 2; conv 3×3
/// (padding 1) → 64, ReLU, max-pool 2; flatten (64·8·8 for 32×32 inputs, 64·7·7 for 28×28); fully connected → 1024 →
/// 512 → classes, ReLU between. Outputs logits: the softmax belongs inside the loss, never before it.
/// </summary>
/// <remarks>Mixable points: the input, after the first conv block, after the second (flattened).</remarks>
public sealed class SeedNet : StagedModel
{
    /// <summary>Creates the network.</summary>
    /// <param name="inputChannels">Image channels (1 for MNIST/Fashion-MNIST, 3 for CIFAR).</param>
    /// <param name="imageSize">The square input size (28 or 32; any size divisible by 4).</param>
    /// <param name="numClasses">The number of classes.</param>
    public SeedNet(int inputChannels, int imageSize, int numClasses)
        : base(nameof(SeedNet))
    {
        if (inputChannels < 1 || imageSize < 4 || imageSize % 4 != 0 || numClasses < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(imageSize), $"SeedNet needs ≥ 1 channel, an image size divisible by 4 and ≥ 2 classes; got {inputChannels}, {imageSize}, {numClasses}.");
        }

        InputChannels = inputChannels;
        ImageSize = imageSize;
        long flat = 64L * (imageSize / 4) * (imageSize / 4);
        SetStages(
            Sequential(Conv2d(inputChannels, 32, 3, padding: 1), ReLU(), MaxPool2d(2)),
            Sequential(Conv2d(32, 64, 3, padding: 1), ReLU(), MaxPool2d(2), Flatten()),
            Sequential(Linear(flat, 1024), ReLU(), Linear(1024, 512), ReLU(), Linear(512, numClasses)));
        RegisterComponents();
    }

    /// <summary>The number of input channels.</summary>
    public int InputChannels { get; }

    /// <summary>The square input size.</summary>
    public int ImageSize { get; }

    private protected override void CheckInput(Tensor input)
    {
        if (input.shape.Length != 4 || input.shape[1] != InputChannels || input.shape[2] != ImageSize || input.shape[3] != ImageSize)
        {
            throw new ArgumentException($"SeedNet expects images [N, {InputChannels}, {ImageSize}, {ImageSize}]; got [{string.Join(", ", input.shape)}].", nameof(input));
        }
    }
}
