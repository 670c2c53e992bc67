using System;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Distortion;

/// <summary>
/// The evaluation transform of torchvision's classification reference and timm: resize the shorter side to
/// ⌊size / <see cref="CropFraction"/>⌋ keeping the aspect ratio (the longer side truncated, as torchvision 0.14), then
/// take the centre size × size (offsets rounded half to even, as <c>CenterCrop</c>). Bilinear, align_corners false, no
/// antialiasing: torchvision's tensor path. Deterministic: it draws nothing.
/// </summary>
public sealed class ResizeCenterCrop
{
    /// <summary>Creates the transform for square outputs of side <paramref name="size"/>.</summary>
    /// <param name="size">The output side.</param>
    /// <param name="cropFraction">The centre crop's share of the resized shorter side, in (0, 1]; 0.875 (224 of 256) by default.</param>
    public ResizeCenterCrop(int size, double cropFraction = 0.875)
    {
        if (size < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"size must be ≥ 1; got {size}.");
        }

        if (!(cropFraction > 0 && cropFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(cropFraction), cropFraction, $"cropFraction must be in (0, 1]; got {cropFraction}.");
        }

        Size = size;
        CropFraction = cropFraction;
    }

    /// <summary>The output side.</summary>
    public int Size { get; }

    /// <summary>The centre crop's share of the resized shorter side.</summary>
    public double CropFraction { get; }

    /// <summary>The size the shorter side is resized to: ⌊<see cref="Size"/> / <see cref="CropFraction"/>⌋.</summary>
    public long ResizeTo => (long)Math.Floor(Size / CropFraction);

    /// <summary>Resizes and centre-crops floating images [N, C, H, W] (one size) into [N, C, size, size].</summary>
    public Tensor Transform(Tensor images)
    {
        Guard.NotNull(images, nameof(images));
        Guard.BatchShape(images.shape, nameof(images), "images [N, C, H, W] for ResizeCenterCrop", exactDims: 4);
        if (!Guard.IsFloating(images.dtype))
        {
            throw new ArgumentException($"ResizeCenterCrop interpolates and needs floating images; got {Guard.Describe(images)}.", nameof(images));
        }

        long h = images.shape[2], w = images.shape[3], shorter = ResizeTo;
        var (rh, rw) = h <= w ? (shorter, (long)(shorter * w / (double)h)) : ((long)(shorter * h / (double)w), shorter);
        if (rh < Size || rw < Size)
        {
            throw new ArgumentException($"images {Guard.Shape(images.shape)} resized to {rh}×{rw} are smaller than the {Size}×{Size} crop.", nameof(images));
        }

        using var scope = torch.NewDisposeScope();
        var resized = nn.functional.interpolate(images, size: new[] { rh, rw }, mode: InterpolationMode.Bilinear, align_corners: false);
        long top = (long)Math.Round((rh - Size) / 2.0, MidpointRounding.ToEven), left = (long)Math.Round((rw - Size) / 2.0, MidpointRounding.ToEven);
        return resized.narrow(2, top, Size).narrow(3, left, Size).contiguous().MoveToOuterDisposeScope();
    }
}
