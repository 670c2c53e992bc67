using System;
using SkiaSharp;

namespace MixupSharp.Training.Data;

/// <summary>
/// Decodes PNG/JPEG files with SkiaSharp: the header first (a file that claims too many pixels is refused before
/// anything is allocated), then the whole image, refusing a partial decode (a truncated file). The one owner of image
/// decoding for folders, lists and predict.
/// </summary>
internal static class ImageDecoder
{
    private static readonly SKSamplingOptions Sampling = new(SKCubicResampler.Mitchell);
    private static readonly SKSamplingOptions Resampling = new(SKFilterMode.Linear, SKMipmapMode.None);
    

    /// <summary>The image's width and height from its header; null (with the reason) when it is not a readable image or too large.</summary>
    public static (int Width, int Height)? Header(string file, long maxPixels, out string? problem)
    {
        using var codec = Open(file, maxPixels, out problem);
        return codec is null ? null : (codec.Info.Width, codec.Info.Height);
    }

    /// <summary>The file's codec with its header read; null (with the reason) when it is not a readable image or too large.</summary>
    private static SKCodec? Open(string file, long maxPixels, out string? problem)
    {
        problem = null;
        var codec = SKCodec.Create(file);
        if (codec is null)
        {
            problem = "not a readable PNG or JPEG image (corrupt or truncated)";
            return null;
        }

        long pixels = (long)codec.Info.Width * codec.Info.Height;
        if (pixels > maxPixels)
        {
            problem = $"its header claims {codec.Info.Width} × {codec.Info.Height} pixels, over the limit of {maxPixels / 1e6:G4} megapixels";
            codec.Dispose();
            return null;
        }

        return codec;
    }

    /// <summary>The whole image at its own size; null (with the reason) when it cannot be read.</summary>
    public static SKBitmap? Full(string file, long maxPixels, out string? problem)
    {
        using var codec = Open(file, maxPixels, out problem);
        if (codec is null)
        {
            return null;
        }

        // SKBitmap.Decode takes a partial decode (IncompleteInput: a truncated file) as success and fills the missing
        // rows; only a complete decode is an image here. The decode info is the one SKBitmap.Decode uses.
        var decodeInfo = codec.Info.WithColorType(SKColorType.Rgba8888);
        if (decodeInfo.AlphaType == SKAlphaType.Unpremul)
        {
            decodeInfo.AlphaType = SKAlphaType.Premul;
        }

        var decoded = new SKBitmap(decodeInfo);
        var result = codec.GetPixels(decodeInfo, decoded.GetPixels());
        if (result != SKCodecResult.Success)
        {
            decoded.Dispose();
            problem = result == SKCodecResult.IncompleteInput
                ? "truncated: only part of the image could be decoded"
                : $"not a readable PNG or JPEG image ({result})";
            return null;
        }

        return decoded;
    }

    /// <summary>Decodes and resizes one image to RGBA bytes [size, size, 4] (its aspect ratio not kept); null (with the reason) when it cannot be read.</summary>
    public static byte[]? Squashed(string file, int size, long maxPixels, out string? problem)
    {
        using var decoded = Full(file, maxPixels, out problem);
        if (decoded is null)
        {
            return null;
        }

        return Resized(decoded, new SKRectI(0, 0, decoded.Width, decoded.Height), size, size, out problem);
    }

    /// <summary>The region <paramref name="box"/> of <paramref name="image"/> resized to RGBA bytes [height, width, 4]; null (with the reason) when it fails.</summary>
    public static byte[]? Resized(SKBitmap image, SKRectI box, int width, int height, out string? problem)
    {
        problem = null;
        using var region = new SKBitmap();
        if (!image.ExtractSubset(region, box))
        {
            problem = $"the region {box} is outside the {image.Width}×{image.Height} image";
            return null;
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var resized = region.Resize(info, Sampling);
        if (resized is null)
        {
            problem = "the image could not be resized";
            return null;
        }

        return resized.Bytes;
    }

    /// <summary>
    /// The region <paramref name="box"/> of <paramref name="image"/> resampled to RGBA [height, width, 4] straight into
    /// <paramref name="destination"/> (no intermediate copy: a batch's buffer); false (with the reason) when it fails.
    /// </summary>
    public static bool ResizedInto(SKBitmap image, SKRectI box, IntPtr destination, int width, int height, out string? problem)
    {
        problem = null;
        using var region = new SKBitmap();
        if (!image.ExtractSubset(region, box))
        {
            problem = $"the region {box} is outside the {image.Width}×{image.Height} image";
            return false;
        }

        using var source = region.PeekPixels();
        // An opaque source (every JPEG) is resampled without the premultiplied → unpremultiplied pass.
        var alpha = region.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Unpremul;
        using var target = new SKPixmap(new SKImageInfo(width, height, SKColorType.Rgba8888, alpha), destination, width * 4);
        if (source is null || !source.ScalePixels(target, Resampling))
        {
            problem = "the image could not be resized";
            return false;
        }

        return true;
    }
}
