using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Data;

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST, raw or gzip-compressed: a big-endian header (magic 0x00000803 for
/// images [N, rows, cols], 0x00000801 for labels [N]) followed by unsigned bytes.
/// </summary>
public static class IdxFormat
{
    /// <summary>The magic number of an IDX file of unsigned bytes with 3 dimensions (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>The magic number of an IDX file of unsigned bytes with 1 dimension (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads images as uint8 [N, 1, rows, cols].</summary>
    /// <exception cref="DatasetFormatException">Wrong magic, truncated, or trailing data; the message names the file.</exception>
    public static Tensor ReadImages(string path)
    {
        byte[] bytes = ReadAll(path);
        RequireMagic(path, bytes, ImagesMagic, "images");
        RequireLength(path, bytes, 16, "the images header");
        int n = ReadInt(bytes, 4), rows = ReadInt(bytes, 8), cols = ReadInt(bytes, 12);
        if (n < 0 || rows <= 0 || cols <= 0)
        {
            throw new DatasetFormatException(path, $"the header gives impossible dimensions {n}×{rows}×{cols}.");
        }

        long expected = 16 + ((long)n * rows * cols);
        RequireExactLength(path, bytes, expected, $"{n} images of {rows}×{cols}");
        using var all = torch.tensor(bytes, dtype: ScalarType.Byte);
        return all.narrow(0, 16, expected - 16).reshape(n, 1, rows, cols).clone();
    }

    /// <summary>Reads labels as int64 [N].</summary>
    /// <exception cref="DatasetFormatException">Wrong magic, truncated, or trailing data; the message names the file.</exception>
    public static Tensor ReadLabels(string path)
    {
        byte[] bytes = ReadAll(path);
        RequireMagic(path, bytes, LabelsMagic, "labels");
        RequireLength(path, bytes, 8, "the labels header");
        int n = ReadInt(bytes, 4);
        if (n < 0)
        {
            throw new DatasetFormatException(path, $"the header gives a negative count {n}.");
        }

        RequireExactLength(path, bytes, 8L + n, $"{n} labels");
        using var all = torch.tensor(bytes, dtype: ScalarType.Byte);
        return all.narrow(0, 8, n).to_type(ScalarType.Int64);
    }

    /// <summary>Writes images [N, rows, cols] (or [N, 1, rows, cols]) of bytes as an IDX file, gzip-compressed when the name ends in .gz.</summary>
    public static void WriteImages(string path, byte[] pixels, int n, int rows, int cols)
    {
        var header = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), n);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), cols);
        Write(path, header, pixels);
    }

    /// <summary>Writes labels as an IDX file, gzip-compressed when the name ends in .gz.</summary>
    public static void WriteLabels(string path, byte[] labels)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), labels.Length);
        Write(path, header, labels);
    }

    private static void Write(string path, byte[] header, byte[] body)
    {
        using var file = File.Create(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Fastest) : file;
        stream.Write(header);
        stream.Write(body);
    }

    private static byte[] ReadAll(string path)
    {
        if (!File.Exists(path))
        {
            throw new DatasetFormatException(path, "the file does not exist.");
        }

        try
        {
            using var file = File.OpenRead(path);
            Span<byte> magic = stackalloc byte[2];
            int read = file.Read(magic);
            bool gzip = read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
            int capacity = (int)Math.Min(file.Length, int.MaxValue);
            if (gzip && file.Length >= 18)
            {
                // The gzip trailer's ISIZE is the uncompressed size modulo 2^32: exact for these files.
                Span<byte> size = stackalloc byte[4];
                file.Position = file.Length - 4;
                file.ReadExactly(size);
                // Only a hint: a corrupt trailer must not make the reader allocate gigabytes up front, so it is capped
                // by deflate's largest ratio (1032:1) and 256 MB; the buffer still grows if the data is larger.
                long hint = Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(size), Math.Min(file.Length * 1032L, 256L << 20));
                capacity = (int)hint;
            }

            file.Position = 0;
            using Stream source = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var memory = new MemoryStream(capacity + 1);
            source.CopyTo(memory);
            return memory.ToArray();
        }
        catch (InvalidDataException e)
        {
            // .NET's own words ("compressed using an unsupported compression method") say nothing a user can act on.
            throw new DatasetFormatException(path, "not a valid gzip file, or it is corrupt or truncated.", e);
        }
    }

    private static int ReadInt(byte[] bytes, int offset) => BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset));

    private static void RequireMagic(string path, byte[] bytes, int magic, string what)
    {
        RequireLength(path, bytes, 4, "the magic number");
        int actual = ReadInt(bytes, 0);
        if (actual != magic)
        {
            throw new DatasetFormatException(path, $"not an IDX {what} file: expected magic 0x{magic:X8}, got 0x{actual:X8}.");
        }
    }

    private static void RequireLength(string path, byte[] bytes, long needed, string what)
    {
        if (bytes.Length < needed)
        {
            throw new DatasetFormatException(path, $"truncated: {what} needs {needed} bytes but the (decompressed) file has {bytes.Length}.");
        }
    }

    private static void RequireExactLength(string path, byte[] bytes, long expected, string what)
    {
        if (bytes.Length < expected)
        {
            throw new DatasetFormatException(path, $"truncated: {what} need {expected} bytes but the (decompressed) file has {bytes.Length}.");
        }

        if (bytes.Length > expected)
        {
            throw new DatasetFormatException(path, $"{bytes.Length - expected} unexpected bytes after {what} ({expected} bytes expected).");
        }
    }
}
