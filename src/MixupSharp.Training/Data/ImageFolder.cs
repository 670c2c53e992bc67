using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Data;

/// <summary>Options of <see cref="ImageFolder.Load"/>.</summary>
public sealed record ImageFolderOptions
{
    /// <summary>The square size every image is resized to. Default 32.</summary>
    public int Size { get; init; } = 32;

    /// <summary>Load images as one gray channel instead of three RGB channels. Default false.</summary>
    public bool Grayscale { get; init; }

    /// <summary>Skip unreadable or corrupt images (reported through <see cref="Warn"/>) instead of failing. Default false.</summary>
    public bool SkipCorrupt { get; init; }

    /// <summary>Receives warnings (skipped files); standard error when null.</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>
    /// The class names, in label order, that the sub-folders are matched to by name (a test split takes its training
    /// split's classes). A sub-folder not among them is an error naming it; a class without a sub-folder has no images.
    /// Null: the sub-folders, sorted by name, are the classes.
    /// </summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>The largest image decoded, in pixels (width × height, read from the header first); default 64 megapixels.</summary>
    public long MaxPixels { get; init; } = 64_000_000;
}

/// <summary>
/// Loads a folder with one sub-folder per class of PNG/JPEG files (classes sorted by name, ordinal), decoded with
/// SkiaSharp and resized to a fixed square size, into memory.
/// </summary>
public static class ImageFolder
{
    private static readonly string[] Extensions = { ".png", ".jpg", ".jpeg" };

    /// <summary>Loads the folder.</summary>
    /// <exception cref="DatasetFormatException">No class folders, an empty class folder, or an unreadable image (unless skipped).</exception>
    public static InMemoryDataset Load(string directory, ImageFolderOptions? options = null)
    {
        options ??= new ImageFolderOptions();
        if (options.Size < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"ImageFolderOptions.Size must be positive; got {options.Size}.");
        }

        var (names, classFiles) = Scan(directory, options.Classes);
        int size = options.Size;
        var warn = options.Warn ?? (m => Console.Error.WriteLine(m));
        var pixels = new List<byte[]>();
        var labels = new List<long>();
        foreach (var (folder, label, files) in classFiles)
        {
            int loaded = 0;
            foreach (var file in files)
            {
                byte[]? image = ImageDecoder.Squashed(file, size, options.MaxPixels, out string? problem);
                if (image is null)
                {
                    if (!options.SkipCorrupt)
                    {
                        throw new DatasetFormatException(file, $"{problem} (SkipCorrupt, --skip-corrupt on the command line, skips such files).");
                    }

                    warn($"warning: skipped {file}: {problem}");
                    continue;
                }

                pixels.Add(image);
                labels.Add(label);
                loaded++;
            }

            if (loaded == 0)
            {
                throw new DatasetFormatException(folder, "no image in the class folder could be read.");
            }
        }

        // RGBA rows → planar channels in one tensor operation for the whole set.
        var all = new byte[pixels.Count * size * size * 4];
        for (int i = 0; i < pixels.Count; i++)
        {
            Buffer.BlockCopy(pixels[i], 0, all, i * pixels[i].Length, pixels[i].Length);
        }

        Tensor images;
        using (var scope = torch.NewDisposeScope())
        {
            var rgb = torch.tensor(all, dtype: ScalarType.Byte).reshape(pixels.Count, size, size, 4).narrow(3, 0, 3).permute(0, 3, 1, 2);
            images = grayscaleImages(rgb).contiguous().MoveToOuterDisposeScope();
        }

        Tensor grayscaleImages(Tensor rgb) => !options.Grayscale
            ? rgb
            : (rgb.to_type(ScalarType.Float32) * torch.tensor(new[] { 0.299f, 0.587f, 0.114f }).reshape(1, 3, 1, 1)).sum(1, keepdim: true).round().clamp(0, 255).to_type(ScalarType.Byte);

        var labelTensor = torch.tensor(labels.ToArray(), dtype: ScalarType.Int64);
        return new InMemoryDataset(Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)), images, labelTensor, names.ToArray());
    }

    /// <summary>
    /// One image file as uint8 [C, size, size] (RGB, or grey with <paramref name="grayscale"/>), decoded and resized as
    /// <see cref="Load"/> does; a file that cannot be read is a <see cref="DatasetFormatException"/> naming it.
    /// </summary>
    public static Tensor ReadImage(string file, int size, bool grayscale, long maxPixels = 64_000_000)
    {
        byte[] rgba = ImageDecoder.Squashed(file, size, maxPixels, out string? problem) ?? throw new DatasetFormatException(file, problem ?? "unreadable");
        using var scope = torch.NewDisposeScope();
        var rgb = torch.tensor(rgba, dtype: ScalarType.Byte).reshape(size, size, 4).narrow(2, 0, 3).permute(2, 0, 1);
        var image = !grayscale
            ? rgb
            : (rgb.to_type(ScalarType.Float32) * torch.tensor(new[] { 0.299f, 0.587f, 0.114f }).reshape(3, 1, 1)).sum(0, keepdim: true).round().clamp(0, 255).to_type(ScalarType.Byte);
        return image.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The class names (the sub-folders sorted by name, or <paramref name="classes"/>) and each class folder's image
    /// files, sorted; errors name a folder with fewer than 2 classes, an unknown class or no images.
    /// </summary>
    internal static (string[] Names, List<(string Folder, long Label, string[] Files)> Classes) Scan(string directory, IReadOnlyList<string>? classes)
    {
        if (!Directory.Exists(directory))
        {
            throw new DatasetFormatException(directory, "the image folder does not exist.");
        }

        var folders = Directory.GetDirectories(directory).OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal).ToArray();
        var names = classes?.ToArray() ?? folders.Select(c => Path.GetFileName(c)!).ToArray();
        if (classes is null && folders.Length < 2)
        {
            throw new DatasetFormatException(directory, $"expected one sub-folder per class (at least 2); found {folders.Length}.");
        }

        if (folders.Length == 0)
        {
            throw new DatasetFormatException(directory, "expected one sub-folder per class; found none.");
        }

        var unknown = folders.Select(c => Path.GetFileName(c)!).Where(n => !names.Contains(n, StringComparer.Ordinal)).ToArray();
        if (unknown.Length > 0)
        {
            throw new DatasetFormatException(Path.Combine(directory, unknown[0]), $"the class '{unknown[0]}' is not among the training classes ({string.Join(", ", names)}); its images cannot be labelled.");
        }

        var result = new List<(string, long, string[])>();
        foreach (var folder in folders)
        {
            var files = Directory.GetFiles(folder)
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .OrderBy(f => f, StringComparer.Ordinal).ToArray();
            if (files.Length == 0)
            {
                throw new DatasetFormatException(folder, "the class folder holds no .png, .jpg or .jpeg files.");
            }

            result.Add((folder, Array.IndexOf(names, Path.GetFileName(folder)), files));
        }

        return (names, result);
    }
}
