namespace MixupSharp.Training.Options;

/// <summary>The training crop of a streamed image folder or list (<c>--train-crop</c>); a horizontal flip follows each.</summary>
public enum TrainCrop
{
    /// <summary>torchvision's RandomResizedCrop (scale 0.08–1, ratio 3/4–4/3), drawn against each image's own size on the workers (the default).</summary>
    RandomResized,

    /// <summary>The evaluation transform, then a random crop with zero padding of 1/8 of the size (CIFAR's 4 pixels at 32).</summary>
    Pad,

    /// <summary>The evaluation transform (resize + centre crop), no random crop.</summary>
    None,
}
