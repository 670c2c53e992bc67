using MixupSharp.Distortion;

namespace MixupSharp.Policies;

/// <summary>Options of <see cref="AugMix"/>; torchvision's defaults.</summary>
public sealed record AugMixOptions
{
    /// <summary>The severity 1–10: magnitudes are drawn from the first <c>Severity</c> of 10 bins. Default 3.</summary>
    public int Severity { get; init; } = 3;

    /// <summary>The number of augmentation chains mixed. Default 3.</summary>
    public int Width { get; init; } = 3;

    /// <summary>The depth of every chain; −1 draws it per chain and sample uniformly from 1–3. Default −1.</summary>
    public int Depth { get; init; } = -1;

    /// <summary>α of the Dirichlet(α, …, α) chain weights and of the Beta(α, α) weight of the original. Default 1.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Whether Brightness, Color, Contrast and Sharpness are in the space (the AugMix paper leaves them out, since they overlap ImageNet-C corruptions). Default true, as torchvision.</summary>
    public bool AllOps { get; init; } = true;

    /// <summary>How shear, translate and rotate read between pixels. Default bilinear, as torchvision's AugMix.</summary>
    public Interpolation Interpolation { get; init; } = Interpolation.Bilinear;
}
