using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Data;

/// <summary>
/// Writes an in-memory dataset as an image folder of PNGs (<c>DIR/SPLIT/CLASS/NNNNN.png</c>), resized and with the
/// channels asked for: how the README's worked example turns Fashion-MNIST into "a folder of your own photos".
/// </summary>
public static class FolderExport
{
    /// <summary>
    /// Writes <paramref name="data"/> under <paramref name="directory"/>/<paramref name="split"/>: each image resized
    /// bilinearly to <paramref name="size"/> × <paramref name="size"/> (whole batches as tensor operations), grey
    /// repeated into RGB when <paramref name="channels"/> is 3.
    /// </summary>
    /// <returns>The number of files written.</returns>
    public static long Write(InMemoryDataset data, string directory, string split, int size, int channels)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (size < 1 || size > 1024 || channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"size must be 1–1024 and channels 1 or 3; got {size} and {channels}.");
        }

        var names = data.ClassNames.Select(Safe).ToArray();
        foreach (var name in names)
        {
            Directory.CreateDirectory(Path.Combine(directory, split, name));
        }

        long[] labels = data.Labels.data<long>().ToArray();
        const int chunk = 512;
        for (long start = 0; start < data.Count; start += chunk)
        {
            using var scope = torch.NewDisposeScope();
            long count = Math.Min(chunk, data.Count - start);
            var x = data.Images.narrow(0, start, count).to_type(ScalarType.Float32);
            x = nn.functional.interpolate(x, new long[] { size, size }, mode: InterpolationMode.Bilinear, align_corners: false);
            if (channels == 3 && x.shape[1] == 1)
            {
                x = x.expand(-1, 3, -1, -1);
            }

            // Planar → interleaved RGBA (opaque), as SkiaSharp stores pixels.
            var rgb = x.round().clamp(0, 255).to_type(ScalarType.Byte).permute(0, 2, 3, 1);
            var alpha = torch.full(new long[] { count, size, size, 1 }, 255, ScalarType.Byte);
            var rgba = (rgb.shape[3] == 1 ? torch.cat(new[] { rgb, rgb, rgb, alpha }, 3) : torch.cat(new[] { rgb, alpha }, 3)).contiguous();
            byte[] bytes = rgba.data<byte>().ToArray();
            for (long i = 0; i < count; i++)
            {
                string file = Path.Combine(directory, split, names[labels[start + i]], $"{start + i:D5}.png");
                using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Unpremul));
                Marshal.Copy(bytes, (int)(i * size * size * 4), bitmap.GetPixels(), size * size * 4);
                using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
                File.WriteAllBytes(file, png.ToArray());
            }
        }

        return data.Count;
    }

    // A class name as a folder name: path separators and other characters a file system refuses become '_'.
    private static string Safe(string name) =>
        string.Concat(name.Select(c => Path.GetInvalidFileNameChars().Contains(c) || c is '/' or '\\' or ' ' ? '_' : c));
}
