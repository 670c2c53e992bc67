namespace MixupSharp.Masking;

/// <summary>What masked-out pixels are filled with.</summary>
public enum MaskFill
{
    /// <summary>A constant value (the op's <c>FillValue</c>, 0 by default).</summary>
    Constant,

    /// <summary>One uniform value in [0, 1) per sample and channel (images are in [0, 1] before normalization).</summary>
    RandomPerChannel,

    /// <summary>An independent uniform value in [0, 1) per element.</summary>
    RandomPerPixel,
}
