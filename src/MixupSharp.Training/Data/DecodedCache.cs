using System;
using System.Collections.Concurrent;
using System.Threading;
using SkiaSharp;

namespace MixupSharp.Training.Data;

/// <summary>Whether a streamed set keeps its decoded images in memory (<c>--cache</c>).</summary>
public enum CacheMode
{
    /// <summary>Decode every image every epoch (memory bounded whatever the number of images).</summary>
    None,

    /// <summary>Keep decoded images until the budget is spent; the rest are decoded every epoch.</summary>
    Memory,

    /// <summary>Keep them all if their decoded size (from the headers) fits the budget, else none.</summary>
    Auto,
}

/// <summary>
/// Decoded images at full size, by path, within a byte budget: the random crops are still drawn against each image's
/// own size every epoch, only the decoding is saved. Shared by the splits of one scan; thread-safe.
/// </summary>
internal sealed class DecodedCache
{
    private readonly ConcurrentDictionary<string, SKBitmap> _images = new(StringComparer.Ordinal);
    private readonly long _budget;
    private long _used;

    private DecodedCache(long budget) => _budget = budget;

    /// <summary>The cache <paramref name="options"/> ask for, given the decoded size of the images; null: none.</summary>
    public static DecodedCache? For(StreamingOptions options, long decodedBytes, Action<string>? note)
    {
        switch (options.Cache)
        {
            case CacheMode.Memory:
                return new DecodedCache(options.CacheBytes);
            case CacheMode.Auto when decodedBytes <= options.CacheBytes:
                return new DecodedCache(options.CacheBytes);
            case CacheMode.Auto:
                note?.Invoke($"not caching: the decoded images take {decodedBytes / 1e9:F1} GB, over the cache budget of {options.CacheBytes / 1e9:F1} GB (--cache-gb)");
                return null;
            default:
                return null;
        }
    }

    /// <summary>The cached image of <paramref name="file"/> (owned by the cache: never dispose it), or null.</summary>
    public SKBitmap? Get(string file) => _images.TryGetValue(file, out var image) ? image : null;

    /// <summary>Keeps a copy of <paramref name="image"/> if the budget allows; whether it did.</summary>
    public bool TryAdd(string file, SKBitmap image)
    {
        long bytes = (long)image.ByteCount;
        if (Interlocked.Add(ref _used, bytes) > _budget)
        {
            Interlocked.Add(ref _used, -bytes);
            return false;
        }

        var copy = image.Copy();
        if (copy is null || !_images.TryAdd(file, copy))
        {
            copy?.Dispose();
            Interlocked.Add(ref _used, -bytes);
            return false;
        }

        return true;
    }
}
