using System;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Masking;

/// <summary>Options of <see cref="Cutout"/>. Immutable; validated at construction.</summary>
public sealed record CutoutOptions
{
    /// <summary>The number of square holes per image (at least 1). Default 1.</summary>
    public int Holes { get; init; } = 1;

    /// <summary>The side of each square hole in pixels before clipping (at least 1). Default 16 (the paper's CIFAR-10 setting).</summary>
    public int Size { get; init; } = 16;

    /// <summary>The probability that an image is cut. Default 1.0.</summary>
    public double Probability { get; init; } = 1.0;

    /// <summary>What the holes are filled with. Default <see cref="MaskFill.Constant"/>.</summary>
    public MaskFill Fill { get; init; } = MaskFill.Constant;

    /// <summary>The constant fill value. Default 0.</summary>
    public double FillValue { get; init; }
}

/// <summary>
/// Cutout (DeVries and Taylor, "Improved Regularization of Convolutional Neural Networks with Cutout", 2017,
/// arXiv:1708.04552): square holes with centres uniform over the image, clipped at the border (so holes near the edge
/// are partly outside). A hole is exactly <see cref="CutoutOptions.Size"/> pixels on a side before clipping.
/// </summary>
/// <remarks>Data convention: images [N, C, H, W] in [0, 1] before normalization. One mask is shared by all channels.</remarks>
public sealed class Cutout : BatchMasker
{
    /// <summary>Creates a Cutout.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public Cutout(CutoutOptions? options = null)
        : base(nameof(Cutout), (options ??= new CutoutOptions()).Probability, options.Fill, options.FillValue)
    {
        Options = options;
        if (Options.Holes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.Holes, $"CutoutOptions.Holes must be at least 1; got {Options.Holes}.");
        }

        if (Options.Size < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.Size, $"CutoutOptions.Size must be at least 1 pixel; got {Options.Size}.");
        }
    }

    /// <summary>The options in force.</summary>
    public CutoutOptions Options { get; }

    private protected override (Tensor Keep, Tensor? Regions) DrawKeep(long n, long c, long h, long w, Generator? generator)
    {
        long k = Options.Holes;
        var cy = Regions.UniformIntegers(torch.rand(new[] { n, k }, dtype: ScalarType.Float64, generator: generator), torch.tensor(h));
        var cx = Regions.UniformIntegers(torch.rand(new[] { n, k }, dtype: ScalarType.Float64, generator: generator), torch.tensor(w));
        long half = Options.Size / 2;
        var top = (cy - half).clamp(0, h);
        var left = (cx - half).clamp(0, w);
        var bottom = (cy - half + Options.Size).clamp(0, h);
        var right = (cx - half + Options.Size).clamp(0, w);
        var boxes = torch.stack(new[] { top, left, bottom, right }, 2);
        return (Regions.Inside(boxes, h, w).logical_not(), boxes);
    }
}
