using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using MixupSharp.Policies;
using MixupSharp.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Policies;

/// <summary>
/// torchvision 0.14's outputs, written by <c>tests/reference/policy_reference.py</c> (run it with Debian's
/// <c>/usr/bin/python3</c> to regenerate): the inputs, and every case's output on uint8 and on floating input.
/// </summary>
public sealed class TorchvisionReference
{
    private readonly float[] _blob;

    private TorchvisionReference(JsonElement manifest, float[] blob)
    {
        _blob = blob;
        Rgb = Read(manifest.GetProperty("inputs").GetProperty("rgb")) / 255.0;
        Grey = Read(manifest.GetProperty("inputs").GetProperty("grey")) / 255.0;
        RgbOffGrid = Read(manifest.GetProperty("inputs").GetProperty("rgb_offgrid"));
        GreyOffGrid = Read(manifest.GetProperty("inputs").GetProperty("grey_offgrid"));
        Cases = manifest.GetProperty("cases").EnumerateArray().Select(c => new Case(
            Enum.Parse<PolicyOp>(c.GetProperty("op").GetString()!),
            c.GetProperty("magnitude").GetDouble(),
            c.GetProperty("interpolation").GetString() == "nearest" ? MixupSharp.Distortion.Interpolation.Nearest : MixupSharp.Distortion.Interpolation.Bilinear,
            c.GetProperty("input").GetString() == "uint8",
            c.GetProperty("input").GetString() == "offgrid",
            Read(c.GetProperty("rgb")),
            Read(c.GetProperty("grey")))).ToList();
    }

    public static string Folder => Path.Combine(RepoPaths.RepoRoot, "tests", "reference");

    /// <summary>The RGB inputs [3, 3, 16, 16] as floats in [0, 1] (uint8 levels / 255).</summary>
    public Tensor Rgb { get; }

    /// <summary>The grey inputs [2, 1, 16, 16].</summary>
    public Tensor Grey { get; }

    /// <summary>The RGB inputs moved off the 8-bit grid by 0.05–0.4 of a level (what a blend or a warp leaves).</summary>
    public Tensor RgbOffGrid { get; }

    /// <summary>The grey inputs moved off the 8-bit grid.</summary>
    public Tensor GreyOffGrid { get; }

    public IReadOnlyList<Case> Cases { get; }

    public static TorchvisionReference Load()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "policy-ops.json")));
        using var file = File.OpenRead(Path.Combine(Folder, "policy-ops.bin.gz"));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gzip.CopyTo(bytes);
        var raw = bytes.ToArray();
        var floats = new float[raw.Length / 4];
        Buffer.BlockCopy(raw, 0, floats, 0, raw.Length);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("the reference blob is little-endian float32");
        }

        return new TorchvisionReference(manifest.RootElement.Clone(), floats);
    }

    public static JsonDocument Tables() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "policy-tables.json")));

    private Tensor Read(JsonElement entry)
    {
        int offset = entry.GetProperty("offset").GetInt32();
        long[] shape = entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        return torch.tensor(_blob.AsSpan(offset, (int)count).ToArray(), shape, dtype: ScalarType.Float32);
    }

    /// <summary>One case: torchvision's output for the RGB and the grey inputs.</summary>
    public sealed record Case(PolicyOp Op, double Magnitude, MixupSharp.Distortion.Interpolation Interpolation, bool Uint8Input, bool OffGrid, Tensor Rgb, Tensor Grey)
    {
        public bool Geometric => Op is PolicyOp.ShearX or PolicyOp.ShearY or PolicyOp.TranslateX or PolicyOp.TranslateY or PolicyOp.Rotate;

        public override string ToString() => $"{Op}({Magnitude}, {Interpolation}, {(Uint8Input ? "uint8" : OffGrid ? "off-grid float" : "float")})";
    }
}
