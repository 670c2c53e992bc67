using System;
using System.Linq;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Distortion;

/// <summary>A draw of <see cref="RandomResizedCrop"/>: one crop box per image and the output size.</summary>
public sealed class ResizedCropParameters : IDisposable
{
    /// <summary>Wraps a draw; the object owns <paramref name="boxes"/>.</summary>
    /// <param name="boxes">int64 [N, 4]: top, left, height, width of each crop in its image.</param>
    /// <param name="size">The side of the square output.</param>
    public ResizedCropParameters(Tensor boxes, long size)
    {
        Boxes = boxes ?? throw new ArgumentNullException(nameof(boxes));
        Size = size;
    }

    /// <summary>int64 [N, 4]: top, left, height, width.</summary>
    public Tensor Boxes { get; }

    /// <summary>The side of the square output.</summary>
    public long Size { get; }

    /// <inheritdoc />
    public void Dispose() => Boxes.Dispose();
}

/// <summary>Options of <see cref="RandomResizedCrop"/>: torchvision's defaults.</summary>
public sealed record RandomResizedCropOptions
{
    /// <summary>The crop's area as a fraction of the image, drawn uniformly. Default (0.08, 1).</summary>
    public (double Min, double Max) Scale { get; init; } = (0.08, 1.0);

    /// <summary>The crop's aspect ratio w/h, drawn log-uniformly. Default (3/4, 4/3).</summary>
    public (double Min, double Max) Ratio { get; init; } = (3.0 / 4.0, 4.0 / 3.0);

    /// <summary>How many crops to try before the centre-crop fallback. Default 10, as torchvision.</summary>
    public int Attempts { get; init; } = 10;
}

/// <summary>
/// RandomResizedCrop (Szegedy et al., "Going deeper with convolutions", 2015; torchvision 0.14's
/// <c>RandomResizedCrop.get_params</c> and <c>resized_crop</c>): a crop of random area fraction and aspect ratio at a
/// random place, resized to a square. Up to <see cref="RandomResizedCropOptions.Attempts"/> tries: area·U(scale) and
/// exp(U(ln ratio)) give w = round(√(area·r)) and h = round(√(area/r)) (round half to even, as Python's round); the first
/// that fits is placed uniformly. When none fits, a centre crop of the whole image clipped to the ratio range. The
/// crop is resized bilinearly (align_corners false, no antialiasing: torchvision's tensor path), per image.
/// </summary>
/// <remarks>Images [N, C, H, W] of one size; the output is [N, C, size, size].</remarks>
public sealed class RandomResizedCrop : InputAugmentation<ResizedCropParameters>
{
    /// <summary>Creates the op for square outputs of side <paramref name="size"/>.</summary>
    public RandomResizedCrop(int size, RandomResizedCropOptions? options = null)
    {
        if (size < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"size must be ≥ 1; got {size}.");
        }

        Size = size;
        Options = options ?? new RandomResizedCropOptions();
        var (sMin, sMax) = Options.Scale;
        if (!(sMin > 0 && sMin <= sMax && double.IsFinite(sMax)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"RandomResizedCropOptions.Scale must satisfy 0 < Min ≤ Max; got ({sMin}, {sMax}).");
        }

        var (rMin, rMax) = Options.Ratio;
        if (!(rMin > 0 && rMin <= rMax && double.IsFinite(rMax)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"RandomResizedCropOptions.Ratio must satisfy 0 < Min ≤ Max < ∞; got ({rMin}, {rMax}).");
        }

        if (Options.Attempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"RandomResizedCropOptions.Attempts must be ≥ 1; got {Options.Attempts}.");
        }
    }

    /// <summary>The side of the square output.</summary>
    public int Size { get; }

    /// <summary>The options in force.</summary>
    public RandomResizedCropOptions Options { get; }

    /// <summary>The crop box of one image of <paramref name="height"/> × <paramref name="width"/> from four uniforms per try.</summary>
    /// <param name="height">The image's height.</param>
    /// <param name="width">The image's width.</param>
    /// <param name="u">4 × <see cref="RandomResizedCropOptions.Attempts"/> uniforms in [0, 1): scale, ratio, top, left per try.</param>
    public (long Top, long Left, long Height, long Width) Box(long height, long width, ReadOnlySpan<double> u)
    {
        double area = height * width;
        var (sMin, sMax) = Options.Scale;
        double logMin = Math.Log(Options.Ratio.Min), logMax = Math.Log(Options.Ratio.Max);
        for (int t = 0; t < Options.Attempts; t++)
        {
            double targetArea = area * (sMin + (u[4 * t] * (sMax - sMin)));
            double ratio = Math.Exp(logMin + (u[(4 * t) + 1] * (logMax - logMin)));
            long w = (long)Math.Round(Math.Sqrt(targetArea * ratio), MidpointRounding.ToEven);
            long h = (long)Math.Round(Math.Sqrt(targetArea / ratio), MidpointRounding.ToEven);
            if (w > 0 && w <= width && h > 0 && h <= height)
            {
                long top = Math.Min(height - h, (long)Math.Floor(u[(4 * t) + 2] * (height - h + 1)));
                long left = Math.Min(width - w, (long)Math.Floor(u[(4 * t) + 3] * (width - w + 1)));
                return (top, left, h, w);
            }
        }

        double inRatio = (double)width / height;
        long cw = width, chh = height;
        if (inRatio < Options.Ratio.Min)
        {
            chh = (long)Math.Round(width / Options.Ratio.Min, MidpointRounding.ToEven);
        }
        else if (inRatio > Options.Ratio.Max)
        {
            cw = (long)Math.Round(height * Options.Ratio.Max, MidpointRounding.ToEven);
        }

        return ((height - chh) / 2, (width - cw) / 2, chh, cw);
    }

    /// <inheritdoc />
    public override ResizedCropParameters Sample(long[] inputShape, Generator? generator = null)
    {
        CheckShape(inputShape, nameof(inputShape));
        long n = inputShape[0], height = inputShape[2], width = inputShape[3];
        int per = 4 * Options.Attempts;
        double[] u = Draws.Uniform(n * per, generator);   // a fixed number per image, so a draw's length never depends on the tries
        var boxes = new long[n * 4];
        for (long i = 0; i < n; i++)
        {
            var (top, left, h, w) = Box(height, width, u.AsSpan((int)(i * per), per));
            (boxes[i * 4], boxes[(i * 4) + 1], boxes[(i * 4) + 2], boxes[(i * 4) + 3]) = (top, left, h, w);
        }

        return new ResizedCropParameters(torch.tensor(boxes, new[] { n, 4L }, dtype: ScalarType.Int64), Size);
    }

    /// <inheritdoc />
    public override Tensor Transform(Tensor inputs, ResizedCropParameters parameters)
    {
        Guard.NotNull(parameters, nameof(parameters));
        CheckInputs(inputs);
        long n = inputs.shape[0], height = inputs.shape[2], width = inputs.shape[3];
        if (parameters.Boxes.dtype != ScalarType.Int64 || !parameters.Boxes.shape.SequenceEqual(new[] { n, 4L }))
        {
            throw new ArgumentException($"parameters.Boxes must be int64 [{n}, 4] for inputs {Guard.Shape(inputs.shape)}; got {Guard.Describe(parameters.Boxes)}.", nameof(parameters));
        }

        long[] b = parameters.Boxes.cpu().data<long>().ToArray();
        using var scope = torch.NewDisposeScope();
        var crops = new Tensor[n];
        for (long i = 0; i < n; i++)
        {
            long top = b[i * 4], left = b[(i * 4) + 1], h = b[(i * 4) + 2], w = b[(i * 4) + 3];
            if (top < 0 || left < 0 || h < 1 || w < 1 || top + h > height || left + w > width)
            {
                throw new ArgumentOutOfRangeException(nameof(parameters), $"parameters.Boxes[{i}] = [{top}, {left}, {h}, {w}] must lie inside the {height}×{width} image as [top, left, height, width].");
            }

            // One image at a time: each crop has its own size, and interpolate resizes exactly that region, as torchvision.
            var crop = inputs.narrow(0, i, 1).narrow(2, top, h).narrow(3, left, w);
            crops[i] = nn.functional.interpolate(crop, size: new[] { parameters.Size, parameters.Size }, mode: InterpolationMode.Bilinear, align_corners: false);
        }

        return torch.cat(crops, 0).MoveToOuterDisposeScope();
    }

    private protected override void CheckInputs(Tensor inputs)
    {
        Guard.NotNull(inputs, nameof(inputs));
        CheckShape(inputs.shape, nameof(inputs));
        if (!Guard.IsFloating(inputs.dtype))
        {
            throw new ArgumentException($"RandomResizedCrop resizes by interpolation and needs floating images; got {Guard.Describe(inputs)}.", nameof(inputs));
        }
    }

    private static void CheckShape(long[] shape, string name) =>
        Guard.BatchShape(shape, name, "images [N, C, H, W] for RandomResizedCrop", exactDims: 4);
}
