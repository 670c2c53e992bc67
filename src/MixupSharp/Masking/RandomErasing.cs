using System;
using System.Collections.Generic;
using System.Linq;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Masking;

/// <summary>Options of <see cref="RandomErasing"/>. Immutable; validated at construction.</summary>
public sealed record RandomErasingOptions
{
    /// <summary>The probability that an image is erased. Default 0.5 (the paper's).</summary>
    public double Probability { get; init; } = 0.5;

    /// <summary>The erased area as a fraction of the image, drawn uniformly in [Min, Max]. Default (0.02, 1/3).</summary>
    public (double Min, double Max) AreaRange { get; init; } = (0.02, 1.0 / 3.0);

    /// <summary>The aspect ratio h/w, drawn log-uniformly in [Min, Max]. Default (0.3, 3.3).</summary>
    public (double Min, double Max) AspectRange { get; init; } = (0.3, 3.3);

    /// <summary>How many rectangles to try per erasure before giving up (a rectangle must fit the image). Default 10.</summary>
    public int Attempts { get; init; } = 10;

    /// <summary>The number of erased rectangles per image, uniform in [Min, Max]; the area is split between them (timm). Default (1, 1).</summary>
    public (int Min, int Max) CountRange { get; init; } = (1, 1);

    /// <summary>What erased pixels are filled with. Default <see cref="MaskFill.Constant"/> (0).</summary>
    public MaskFill Fill { get; init; } = MaskFill.Constant;

    /// <summary>The constant fill value. Default 0.</summary>
    public double FillValue { get; init; }

    /// <summary>
    /// The per-channel mean and standard deviation of the normalization that follows, to fill as timm's Random Erasing
    /// does on normalized images (Zhong et al.'s code and timm erase after <c>Normalize</c>): <see cref="MaskFill.Constant"/>
    /// fills the mean (0 once normalized), <see cref="MaskFill.RandomPerChannel"/> and <see cref="MaskFill.RandomPerPixel"/>
    /// draw mean + std·N(0, 1) (a standard normal once normalized). Null (default): fills in [0, 1] as
    /// <see cref="MaskFill"/> describes.
    /// </summary>
    public NormalizedFill? NormalizedFill { get; init; }
}

/// <summary>
/// Random Erasing (Zhong et al., "Random Erasing Data Augmentation", AAAI 2020, arXiv:1708.04896): erase a rectangle of
/// random area and aspect ratio at a random position, retrying up to <see cref="RandomErasingOptions.Attempts"/> times
/// until it fits (torchvision/timm semantics: h = round(√(area·r)), w = round(√(area/r)), h &lt; H and w &lt; W,
/// top uniform in [0, H − h]).
/// </summary>
/// <remarks>Data convention: images [N, C, H, W] in [0, 1] before normalization. One mask is shared by all channels.</remarks>
public sealed class RandomErasing : BatchMasker
{
    /// <summary>Creates a Random Erasing.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public RandomErasing(RandomErasingOptions? options = null)
        : base(nameof(RandomErasing), (options ??= new RandomErasingOptions()).Probability, options.Fill, options.FillValue)
    {
        Options = options;
        var (aMin, aMax) = Options.AreaRange;
        if (!(aMin > 0 && aMin <= aMax && aMax <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"RandomErasingOptions.AreaRange must satisfy 0 < Min ≤ Max ≤ 1; got ({aMin}, {aMax}).");
        }

        var (rMin, rMax) = Options.AspectRange;
        if (!(rMin > 0 && rMin <= rMax && !double.IsInfinity(rMax)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"RandomErasingOptions.AspectRange must satisfy 0 < Min ≤ Max < ∞; got ({rMin}, {rMax}).");
        }

        if (Options.Attempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"RandomErasingOptions.Attempts must be at least 1; got {Options.Attempts}.");
        }

        if (Options.NormalizedFill is { } fill && (fill.Mean.Count != fill.Std.Count || fill.Mean.Count == 0 || fill.Std.Any(v => !(v > 0) || double.IsInfinity(v)) || fill.Mean.Any(v => !double.IsFinite(v))))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "RandomErasingOptions.NormalizedFill needs as many finite means as positive deviations, one per channel.");
        }

        var (cMin, cMax) = Options.CountRange;
        if (!(cMin >= 1 && cMin <= cMax))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"RandomErasingOptions.CountRange must satisfy 1 ≤ Min ≤ Max; got ({cMin}, {cMax}).");
        }
    }

    /// <summary>The options in force.</summary>
    public RandomErasingOptions Options { get; }

    private protected override Tensor DrawFill(long n, long c, long h, long w, Generator? generator)
    {
        if (Options.NormalizedFill is not { } stats)
        {
            return base.DrawFill(n, c, h, w, generator);
        }

        if (stats.Mean.Count != c || stats.Std.Count != c)
        {
            throw new ArgumentException($"RandomErasingOptions.NormalizedFill has {stats.Mean.Count} means and {stats.Std.Count} deviations for images of {c} channels.", nameof(c));
        }

        var mean = torch.tensor(stats.Mean.Select(v => (float)v).ToArray(), new[] { 1L, c, 1, 1 });
        var std = torch.tensor(stats.Std.Select(v => (float)v).ToArray(), new[] { 1L, c, 1, 1 });
        return FillMode switch
        {
            MaskFill.RandomPerChannel => mean + (std * torch.randn(new[] { n, c, 1L, 1L }, dtype: ScalarType.Float32, device: CPU, generator: generator)),
            MaskFill.RandomPerPixel => mean + (std * torch.randn(new[] { n, c, h, w }, dtype: ScalarType.Float32, device: CPU, generator: generator)),
            _ => mean.expand(n, c, 1, 1).contiguous(),
        };
    }

    private protected override (Tensor Keep, Tensor? Regions) DrawKeep(long n, long c, long h, long w, Generator? generator)
    {
        var (cMin, cMax) = Options.CountRange;
        long k = cMax, attempts = Options.Attempts;
        var count = Regions.UniformIntegers(torch.rand(n, dtype: ScalarType.Float64, generator: generator), torch.tensor((long)(cMax - cMin + 1))) + cMin;
        var shape = new[] { n, k, attempts };
        var (aMin, aMax) = Options.AreaRange;
        var (rMin, rMax) = Options.AspectRange;
        var area = ((torch.rand(shape, dtype: ScalarType.Float64, generator: generator) * (aMax - aMin)) + aMin) * (h * w) / count.reshape(n, 1, 1).to_type(ScalarType.Float64);
        var logRatio = (torch.rand(shape, dtype: ScalarType.Float64, generator: generator) * (Math.Log(rMax) - Math.Log(rMin))) + Math.Log(rMin);
        var ratio = logRatio.exp();
        var eh = (area * ratio).sqrt().round().to_type(ScalarType.Int64);
        var ew = (area / ratio).sqrt().round().to_type(ScalarType.Int64);
        var fits = (eh < h) & (ew < w) & (eh > 0) & (ew > 0);
        var top = Regions.UniformIntegers(torch.rand(shape, dtype: ScalarType.Float64, generator: generator), (h - eh + 1).clamp_min(1));
        var left = Regions.UniformIntegers(torch.rand(shape, dtype: ScalarType.Float64, generator: generator), (w - ew + 1).clamp_min(1));

        // The first attempt that fits wins; erasures beyond the sample's count, or with no fitting attempt, erase nothing.
        var first = fits.to_type(ScalarType.Int32).argmax(2, keepdim: true);
        var found = fits.any(2) & (torch.arange(k, dtype: ScalarType.Int64).reshape(1, k) < count.reshape(n, 1));
        Tensor Pick(Tensor t) => t.gather(2, first).squeeze(2) * found.to_type(ScalarType.Int64);
        var t0 = Pick(top);
        var l0 = Pick(left);
        var boxes = torch.stack(new[] { t0, l0, t0 + Pick(eh), l0 + Pick(ew) }, 2);
        return (Regions.Inside(boxes, h, w).logical_not(), boxes);
    }
}

/// <summary>The statistics of the normalization after a masking op, for fills drawn in normalized space (timm).</summary>
/// <param name="Mean">The per-channel mean.</param>
/// <param name="Std">The per-channel standard deviation (each &gt; 0).</param>
public sealed record NormalizedFill(IReadOnlyList<double> Mean, IReadOnlyList<double> Std);
