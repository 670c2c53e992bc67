namespace MixupSharp.Policies;

/// <summary>
/// The image operations of the policy augmentations, with torchvision 0.14's semantics
/// (<c>torchvision.transforms.autoaugment._apply_op</c>). Each takes one magnitude per sample, whose meaning is the
/// operation's own (listed per member); data are floating images in [0, 1] before normalization.
/// </summary>
public enum PolicyOp
{
    /// <summary>No change.</summary>
    Identity,

    /// <summary>Shear along x by the magnitude m (x' = x − m·y about the top-left corner, as torchvision's <c>shear = atan(m)</c>).</summary>
    ShearX,

    /// <summary>Shear along y by the magnitude m (y' = y − m·x about the top-left corner).</summary>
    ShearY,

    /// <summary>Shift right by the magnitude in pixels, truncated toward zero to whole pixels (as torchvision's <c>int(m)</c>).</summary>
    TranslateX,

    /// <summary>Shift down by the magnitude in pixels, truncated toward zero to whole pixels.</summary>
    TranslateY,

    /// <summary>Rotate about the image centre by the magnitude in degrees; positive is counter-clockwise as displayed.</summary>
    Rotate,

    /// <summary>Brightness: the image times 1 + m, clamped to [0, 1].</summary>
    Brightness,

    /// <summary>Saturation: a blend with the image's greyscale by 1 + m (grey images are unchanged, as in torchvision).</summary>
    Color,

    /// <summary>Contrast: a blend with the image's mean grey level by 1 + m.</summary>
    Contrast,

    /// <summary>Sharpness: a blend with the image smoothed by the 3×3 kernel [1 1 1; 1 5 1; 1 1 1]/13 (borders kept) by 1 + m.</summary>
    Sharpness,

    /// <summary>Keep the top <c>int(m)</c> bits (0–8) of each value's 8-bit level.</summary>
    Posterize,

    /// <summary>Invert the values at or above the threshold m/255 (the magnitude is on the 0–255 scale of torchvision's tables).</summary>
    Solarize,

    /// <summary>Stretch each channel's range to [0, 1] (a constant channel is unchanged).</summary>
    AutoContrast,

    /// <summary>Histogram equalization of each channel's 8-bit levels (torchvision's algorithm, bit for bit).</summary>
    Equalize,

    /// <summary>1 − x.</summary>
    Invert,
}
