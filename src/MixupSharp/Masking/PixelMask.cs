using System;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Masking;

/// <summary>Options of <see cref="PixelMask"/>. Immutable; validated at construction.</summary>
public sealed record PixelMaskOptions
{
    /// <summary>The probability that each element is kept (M = 1). Default 0.9.</summary>
    public double KeepProbability { get; init; } = 0.9;

    /// <summary>Whether each channel gets its own mask (true) or one mask is shared by all channels (false, the default).</summary>
    public bool PerChannel { get; init; }

    /// <summary>The probability that an image is masked at all. Default 1.0.</summary>
    public double Probability { get; init; } = 1.0;

    /// <summary>What dropped elements are filled with. Default <see cref="MaskFill.Constant"/> (0).</summary>
    public MaskFill Fill { get; init; } = MaskFill.Constant;

    /// <summary>The constant fill value. Default 0.</summary>
    public double FillValue { get; init; }
}

/// <summary>
/// The plain random 0/1 mask matrix: each pixel (or each element, with <see cref="PixelMaskOptions.PerChannel"/>) is kept
/// independently with probability <see cref="PixelMaskOptions.KeepProbability"/> — input dropout with a replayable mask.
/// </summary>
/// <remarks>Data convention: images [N, C, H, W] in [0, 1] before normalization. No rescaling of kept values.</remarks>
public sealed class PixelMask : BatchMasker
{
    /// <summary>Creates a pixel mask.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public PixelMask(PixelMaskOptions? options = null)
        : base(nameof(PixelMask), (options ??= new PixelMaskOptions()).Probability, options.Fill, options.FillValue)
    {
        Options = options;
        MixupSharp.Internal.Guard.Probability(Options.KeepProbability, "PixelMaskOptions.KeepProbability");
    }

    /// <summary>The options in force.</summary>
    public PixelMaskOptions Options { get; }

    private protected override (Tensor Keep, Tensor? Regions) DrawKeep(long n, long c, long h, long w, Generator? generator)
    {
        var shape = new[] { n, Options.PerChannel ? c : 1L, h, w };
        return (torch.rand(shape, dtype: ScalarType.Float64, generator: generator) < Options.KeepProbability, null);
    }
}
