using System;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Masking;

/// <summary>Options of <see cref="GridMask"/>. Immutable; validated at construction.</summary>
public sealed record GridMaskOptions
{
    /// <summary>The grid unit d in pixels, drawn uniformly per image in [Min, Max] (inclusive). Default (8, 32).</summary>
    public (int Min, int Max) UnitSizeRange { get; init; } = (8, 32);

    /// <summary>
    /// The fraction of each d×d unit that is kept, in (0, 1): each unit loses a square of side l = round(d·√(1 − k)).
    /// Default 0.64 (l = 0.6·d, the reference implementation's ratio 0.6).
    /// </summary>
    public double KeepRatio { get; init; } = 0.64;

    /// <summary>The probability that an image is masked. Default 1.0.</summary>
    public double Probability { get; init; } = 1.0;

    /// <summary>What removed squares are filled with. Default <see cref="MaskFill.Constant"/> (0).</summary>
    public MaskFill Fill { get; init; } = MaskFill.Constant;

    /// <summary>The constant fill value. Default 0.</summary>
    public double FillValue { get; init; }
}

/// <summary>
/// GridMask (Chen et al., "GridMask Data Augmentation", 2020, arXiv:2001.04086): a regular grid of removed squares, with
/// the unit size d and the grid's offset (uniform in [0, d) on each axis) drawn per image.
/// </summary>
/// <remarks>
/// Data convention: images [N, C, H, W] in [0, 1] before normalization. One mask is shared by all channels. The grid
/// is axis-aligned (the reference implementation's optional rotation is not applied).
/// </remarks>
public sealed class GridMask : BatchMasker
{
    /// <summary>Creates a GridMask.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public GridMask(GridMaskOptions? options = null)
        : base(nameof(GridMask), (options ??= new GridMaskOptions()).Probability, options.Fill, options.FillValue)
    {
        Options = options;
        var (dMin, dMax) = Options.UnitSizeRange;
        if (!(dMin >= 2 && dMin <= dMax))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"GridMaskOptions.UnitSizeRange must satisfy 2 ≤ Min ≤ Max; got ({dMin}, {dMax}).");
        }

        if (!(Options.KeepRatio > 0 && Options.KeepRatio < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.KeepRatio, $"GridMaskOptions.KeepRatio must be in (0, 1); got {Options.KeepRatio}.");
        }
    }

    /// <summary>The options in force.</summary>
    public GridMaskOptions Options { get; }

    private protected override (Tensor Keep, Tensor? Regions) DrawKeep(long n, long c, long h, long w, Generator? generator)
    {
        var (dMin, dMax) = Options.UnitSizeRange;
        var d = Regions.UniformIntegers(torch.rand(n, dtype: ScalarType.Float64, generator: generator), torch.tensor((long)(dMax - dMin + 1))) + dMin;
        var side = (d.to_type(ScalarType.Float64) * Math.Sqrt(1 - Options.KeepRatio)).round().to_type(ScalarType.Int64).clamp(1, dMax);
        side = torch.minimum(side, d - 1);
        var offsetY = Regions.UniformIntegers(torch.rand(n, dtype: ScalarType.Float64, generator: generator), d);
        var offsetX = Regions.UniformIntegers(torch.rand(n, dtype: ScalarType.Float64, generator: generator), d);
        var period = d.reshape(n, 1, 1, 1);
        var l = side.reshape(n, 1, 1, 1);
        var rows = torch.arange(h, dtype: ScalarType.Int64).reshape(1, 1, h, 1);
        var cols = torch.arange(w, dtype: ScalarType.Int64).reshape(1, 1, 1, w);
        var inRowBand = torch.remainder(rows - offsetY.reshape(n, 1, 1, 1), period) < l;
        var inColBand = torch.remainder(cols - offsetX.reshape(n, 1, 1, 1), period) < l;
        return ((inRowBand & inColBand).logical_not(), null);
    }
}
