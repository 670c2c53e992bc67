using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace MixupSharp.Training.Interop;

/// <summary>
/// What a weights file is, told from its first bytes, and the checks a safetensors header must pass before anything is
/// allocated: a header length that fits the file, tensors whose dtype is known, whose shape's size matches their byte
/// range, and whose ranges lie inside the data. A file that fails is named in one line saying what is wrong.
/// </summary>
internal static class WeightsFormat
{
    /// <summary>The kinds of file we can tell apart.</summary>
    public enum Kind
    {
        /// <summary>Neither of the two.</summary>
        Unknown,

        /// <summary>A zip archive: what <c>torch.save</c> writes since PyTorch 1.6.</summary>
        PyTorchZip,

        /// <summary>A safetensors file: an 8-byte header length, then a JSON header starting with '{'.</summary>
        Safetensors,
    }

    // The largest header we read; real ones are kilobytes, and a corrupt length must not allocate gigabytes.
    private const long MaxHeaderBytes = 100L << 20;

    /// <summary>The kind of <paramref name="path"/>, from its first bytes.</summary>
    public static Kind Sniff(string path)
    {
        Span<byte> head = stackalloc byte[9];
        int read;
        using (var file = File.OpenRead(path))
        {
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (read >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4)
        {
            return Kind.PyTorchZip;
        }

        return read == 9 && head[8] == (byte)'{' ? Kind.Safetensors : Kind.Unknown;
    }

    /// <summary>Why <paramref name="path"/> is neither kind, for the error line.</summary>
    public static string Describe(string path)
    {
        byte[] head = new byte[8];
        int read;
        using (var file = File.OpenRead(path))
        {
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (read == 0)
        {
            return "the file is empty";
        }

        if (read >= 8 && head.AsSpan(0, 8).SequenceEqual("MXSCKPT1"u8))
        {
            return "it is a MixupSharp checkpoint.bin; give ./mixup export's .pt or .safetensors instead";
        }

        if (head[0] == 0x80)
        {
            return "it is in PyTorch's legacy format (before 1.6); save it again with torch.save in a current PyTorch";
        }

        return $"it starts with bytes {Convert.ToHexString(head, 0, read)}, neither a zip archive (.pt) nor a safetensors header";
    }

    /// <summary>Checks a safetensors header against the file before it is loaded.</summary>
    public static void CheckSafetensorsHeader(string path)
    {
        long size = new FileInfo(path).Length;
        using var file = File.OpenRead(path);
        byte[] lengthBytes = new byte[8];
        file.ReadExactly(lengthBytes);
        ulong headerLength = BitConverter.ToUInt64(lengthBytes);
        if (headerLength > (ulong)Math.Min(size - 8, MaxHeaderBytes))
        {
            throw new InvalidDataException($"its header claims {headerLength} bytes, but the file has {size - 8} after the length");
        }

        byte[] header = new byte[headerLength];
        file.ReadExactly(header);
        long dataBytes = size - 8 - (long)headerLength;
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"its header is not valid JSON ({e.Message.Split('\n')[0]})");
        }

        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("its header is not a JSON object");
            }

            foreach (var entry in json.RootElement.EnumerateObject().Where(e => e.Name != "__metadata__"))
            {
                CheckTensor(entry, dataBytes);
            }
        }
    }

    /// <summary>What a reader's exception means for the user, in one line without .NET's or libtorch's wording.</summary>
    public static string Explain(Exception e)
    {
        var cast = System.Text.RegularExpressions.Regex.Match(e.Message, "Unable to cast object of type '([^']+)'");
        if (e is InvalidCastException && cast.Success)
        {
            string held = cast.Groups[1].Value switch
            {
                "System.Collections.ArrayList" or "System.Object[]" => "a list",
                "TorchSharp.torch+Tensor" or "Tensor" => "a single tensor",
                var other => $"an object of type {other.Split('.', '+').Last()}",
            };
            return $"it holds {held}, not a state dict (a dict of names to tensors, as torch.save(model.state_dict(), path) writes)";
        }

        if (e.Message.Contains("non-contiguous", StringComparison.Ordinal))
        {
            return "it holds a non-contiguous tensor, which TorchSharp.PyBridge cannot read; save it from PyTorch as {k: v.contiguous() for k, v in state_dict.items()}";
        }

        return e.Message.Split('\n')[0].Trim().TrimEnd('.');
    }

    private static void CheckTensor(JsonProperty entry, long dataBytes)
    {
        var t = entry.Value;
        if (t.ValueKind != JsonValueKind.Object || !t.TryGetProperty("dtype", out var dtype) || !t.TryGetProperty("shape", out var shape) || !t.TryGetProperty("data_offsets", out var offsets)
            || dtype.ValueKind != JsonValueKind.String || shape.ValueKind != JsonValueKind.Array || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw new InvalidDataException($"'{entry.Name}' needs dtype, shape and data_offsets [begin, end] in the header");
        }

        int itemBytes = dtype.GetString() switch
        {
            "F64" or "I64" or "U64" => 8,
            "F32" or "I32" or "U32" => 4,
            "F16" or "BF16" or "I16" or "U16" => 2,
            "I8" or "U8" or "BOOL" => 1,
            var other => throw new InvalidDataException($"'{entry.Name}' has dtype {other}, which is not one of F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL"),
        };

        long elements = 1;
        foreach (var dim in shape.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long d) || d < 0)
            {
                throw new InvalidDataException($"'{entry.Name}' has shape {shape}, which is not a list of sizes ≥ 0");
            }

            elements = d == 0 ? 0 : elements > long.MaxValue / d ? long.MaxValue : elements * d;
        }

        if (!offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin || end > dataBytes)
        {
            throw new InvalidDataException($"'{entry.Name}' has data_offsets {offsets}, outside the {dataBytes} bytes of data");
        }

        if (elements == long.MaxValue || elements * itemBytes != end - begin)
        {
            throw new InvalidDataException($"'{entry.Name}' has shape {shape.ToString().Replace("\n", string.Empty, StringComparison.Ordinal)} of {dtype.GetString()}, which does not match its {end - begin} bytes");
        }
    }
}
