namespace MixupSharp.Training.Options;

/// <summary>What <c>--reprob</c>'s Random Erasing fills with, as timm's <c>--remode</c> (in normalized space).</summary>
public enum ErasingMode
{
    /// <summary>The normalization's mean: 0 once normalized (timm's <c>const</c>).</summary>
    Const,

    /// <summary>One standard-normal value per channel once normalized (timm's <c>rand</c>).</summary>
    Rand,

    /// <summary>A standard-normal value per pixel once normalized (timm's <c>pixel</c>).</summary>
    Pixel,
}
