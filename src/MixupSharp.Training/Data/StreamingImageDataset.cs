using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using MixupSharp.Distortion;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Data;

/// <summary>How a streamed image becomes a square of <see cref="StreamingOptions.Size"/> pixels.</summary>
public enum StreamTransform
{
    /// <summary>
    /// Evaluation's: the shorter side resized to floor(size / crop fraction), then the centre size × size
    /// (torchvision's <c>Resize</c> + <c>CenterCrop</c>; <see cref="ResizeCenterCrop"/> on tensors).
    /// </summary>
    ResizeCenterCrop,

    /// <summary>
    /// Training's: a random box drawn against the image's own decoded size by torchvision 0.14's <c>get_params</c>
    /// (<see cref="RandomResizedCrop.Box"/>), cropped and resized to size × size.
    /// </summary>
    RandomResizedCrop,
}

/// <summary>Options of <see cref="StreamingImageDataset"/>.</summary>
public sealed record StreamingOptions
{
    /// <summary>The square size of every image served (1–1024). Default 224.</summary>
    public int Size { get; init; } = 224;

    /// <summary>1 (grey) or 3 (RGB) channels. Default 3.</summary>
    public int Channels { get; init; } = 3;

    /// <summary>Threads decoding one batch's files together (SkiaSharp). Default 2.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>How an image becomes a square. Default <see cref="StreamTransform.ResizeCenterCrop"/>.</summary>
    public StreamTransform Transform { get; init; } = StreamTransform.ResizeCenterCrop;

    /// <summary>The evaluation transform's crop fraction (timm's <c>crop_pct</c>). Default 0.875.</summary>
    public double CropFraction { get; init; } = 0.875;

    /// <summary>The random resized crop's scale and ratio ranges.</summary>
    public RandomResizedCropOptions Crop { get; init; } = new();

    /// <summary>The seed of the random crops (each image's is drawn from it, the epoch's salt and its index).</summary>
    public long Seed { get; init; }

    /// <summary>The largest image decoded, in pixels. Default 64 megapixels.</summary>
    public long MaxPixels { get; init; } = 64_000_000;

    /// <summary>Whether decoded images are kept in memory between epochs. Default <see cref="CacheMode.None"/>.</summary>
    public CacheMode Cache { get; init; } = CacheMode.None;

    /// <summary>The cache's budget in bytes of decoded RGBA pixels. Default 2 GB.</summary>
    public long CacheBytes { get; init; } = 2L << 30;
}

/// <summary>
/// Images streamed from files: the paths and labels in memory, each batch decoded and resized when it is read, by
/// <see cref="StreamingOptions.Workers"/> threads, so memory stays bounded whatever the number of images. The random
/// crop of an image depends only on the seed, the salt and its index, never on which thread decodes it: the same
/// seed gives the same bytes for any number of workers.
/// </summary>
public sealed class StreamingImageDataset : ImageDataset
{
    private readonly string[] _files;
    private readonly DecodedCache? _cache;

    /// <summary>Creates the dataset; it owns <paramref name="labels"/>.</summary>
    public StreamingImageDataset(string name, IReadOnlyList<string> files, Tensor labels, IReadOnlyList<string> classNames, StreamingOptions options)
        : this(name, files, labels, classNames, options, null)
    {
    }

    internal StreamingImageDataset(string name, IReadOnlyList<string> files, Tensor labels, IReadOnlyList<string> classNames, StreamingOptions options, DecodedCache? cache)
        : base(name, labels, classNames)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(options);
        if (files.Count != labels.shape[0])
        {
            throw new ArgumentException($"{files.Count} files but {labels.shape[0]} labels.", nameof(files));
        }

        if (options.Size < 1 || options.Size > 1024 || options.Channels is not (1 or 3) || options.Workers < 1 || !(options.CropFraction > 0 && options.CropFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"StreamingOptions needs Size 1–1024, Channels 1 or 3, Workers ≥ 1 and CropFraction in (0, 1]; got {options.Size}, {options.Channels}, {options.Workers}, {options.CropFraction}.");
        }

        _files = files.ToArray();
        Options = options;
        _cache = cache;
    }

    /// <summary>The options in force.</summary>
    public StreamingOptions Options { get; }

    /// <summary>One image file as uint8 [C, size, size], read as <paramref name="options"/> say (predict's evaluation transform).</summary>
    public static Tensor ReadOne(string file, StreamingOptions options)
    {
        using var data = new StreamingImageDataset(file, new[] { file }, torch.zeros(1, ScalarType.Int64), new[] { "-", "-" }, options);
        using var batch = data.ReadImages(new long[] { 0 });
        return batch[0].clone();
    }

    /// <summary>The image files, indexed like the labels.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <inheritdoc />
    public override long[] ImageShape => new long[] { Options.Channels, Options.Size, Options.Size };

    /// <summary>The same images read with evaluation's transform (resize + centre crop).</summary>
    public StreamingImageDataset ForEvaluation(string? name = null) =>
        new(name ?? Name, _files, Labels.clone(), ClassNames, Options with { Transform = StreamTransform.ResizeCenterCrop }, _cache);

    /// <inheritdoc />
    public override StreamingImageDataset Select(Tensor indices, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        long[] index = indices.to_type(ScalarType.Int64).data<long>().ToArray();
        using var at = torch.tensor(index, dtype: ScalarType.Int64);
        return new StreamingImageDataset(name ?? Name, index.Select(i => _files[i]).ToArray(), Labels.index_select(0, at), ClassNames, Options, _cache);
    }

    /// <inheritdoc />
    public override StreamingImageDataset WithLabels(Tensor labels, string? name = null) => new(name ?? Name, _files, labels, ClassNames, Options, _cache);

    /// <inheritdoc />
    /// <exception cref="DatasetFormatException">A file that cannot be decoded now (changed or truncated since the scan), named.</exception>
    public override Tensor ReadImages(long[] indices, long salt = 0)
    {
        ArgumentNullException.ThrowIfNull(indices);
        int size = Options.Size, plane = size * size * 4;
        long length = (long)indices.Length * plane;
        if (length > Array.MaxLength)
        {
            throw new ArgumentException($"a batch of {indices.Length} images at {size} px takes {length / 1e9:F1} GB of pixels, more than one buffer holds; use a smaller batch.", nameof(indices));
        }

        // One pooled buffer per batch, each worker resampling its image straight into its slot.
        byte[] rgba = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            var failures = new string?[indices.Length];
            var pinned = System.Runtime.InteropServices.GCHandle.Alloc(rgba, System.Runtime.InteropServices.GCHandleType.Pinned);
            try
            {
                IntPtr start = pinned.AddrOfPinnedObject();
                Parallel.For(0, indices.Length, new ParallelOptions { MaxDegreeOfParallelism = Options.Workers }, k =>
                {
                    long index = indices[k];
                    failures[k] = index < 0 || index >= _files.Length
                        ? $"index {index} is outside the {_files.Length} images"
                        : Read(index, salt, start + (k * plane));
                });
            }
            finally
            {
                pinned.Free();
            }

            for (int k = 0; k < indices.Length; k++)
            {
                if (failures[k] is { } failure)
                {
                    throw new DatasetFormatException(indices[k] >= 0 && indices[k] < _files.Length ? _files[indices[k]] : Name, failure);
                }
            }

            // RGBA rows → planar channels, as one tensor operation for the batch.
            using var scope = torch.NewDisposeScope();
            var raw = torch.empty(new long[] { indices.Length, size, size, 4 }, ScalarType.Byte);
            raw.bytes = rgba.AsSpan(0, (int)length);
            var rgb = raw.narrow(3, 0, 3).permute(0, 3, 1, 2);
            var images = Options.Channels == 3
                ? rgb
                : (rgb.to_type(ScalarType.Float32) * torch.tensor(new[] { 0.299f, 0.587f, 0.114f }).reshape(1, 3, 1, 1)).sum(1, keepdim: true).round().clamp(0, 255).to_type(ScalarType.Byte);
            return images.contiguous().MoveToOuterDisposeScope();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgba);
        }
    }

    /// <summary>One image resampled by the dataset's transform into RGBA [size, size, 4] at <paramref name="destination"/>; the problem, or null.</summary>
    private string? Read(long index, long salt, IntPtr destination)
    {
        string? problem = null;
        var cached = _cache?.Get(_files[index]);
        using var decoded = cached is null ? ImageDecoder.Full(_files[index], Options.MaxPixels, out problem) : null;
        var image = cached ?? decoded;
        if (image is null)
        {
            return problem;
        }

        if (cached is null)
        {
            _cache?.TryAdd(_files[index], image);   // the cache keeps a copy of its own; this one is disposed here
        }

        int size = Options.Size;
        SKRectI box;
        if (Options.Transform == StreamTransform.RandomResizedCrop)
        {
            var crop = new RandomResizedCrop(size, Options.Crop);
            var u = Uniforms(Options.Seed, salt, index, 4 * Options.Crop.Attempts);
            var (top, left, h, w) = crop.Box(image.Height, image.Width, u);
            box = new SKRectI((int)left, (int)top, (int)(left + w), (int)(top + h));
        }
        else
        {
            // Resize the shorter side to floor(size / fraction), then the centre size × size: composed into one
            // resampling of the source region that maps onto that centre (no intermediate image).
            double scale = Math.Floor(size / Options.CropFraction) / Math.Min(image.Width, image.Height);
            int side = (int)Math.Min(Math.Round(size / scale), Math.Min(image.Width, image.Height));
            int left = (image.Width - side) / 2, top = (image.Height - side) / 2;
            box = new SKRectI(left, top, left + side, top + side);
        }

        return ImageDecoder.ResizedInto(image, box, destination, size, size, out problem) ? null : problem;
    }

    /// <summary>
    /// <paramref name="count"/> uniforms in [0, 1) for one image, from SplitMix64 seeded by (seed, salt, index): the same
    /// on every thread and every run.
    /// </summary>
    private static double[] Uniforms(long seed, long salt, long index, int count)
    {
        ulong state = unchecked(((ulong)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)salt * 0xC2B2AE3D27D4EB4FUL) ^ ((ulong)index * 0x165667B19E3779F9UL));
        var u = new double[count];
        for (int i = 0; i < count; i++)
        {
            state = unchecked(state + 0x9E3779B97F4A7C15UL);
            ulong z = state;
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            z ^= z >> 31;
            u[i] = (z >> 11) * (1.0 / (1UL << 53));
        }

        return u;
    }
}
