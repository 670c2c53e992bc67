using System;
using MixupSharp.Distortion;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// ResizeMix (Qin et al., "ResizeMix: Mixing Data with Preserved Object Information and True Labels", arXiv:2012.11101):
/// the whole partner image, resized by one scale τ ~ U(τmin, τmax) per batch (OpenMixup: 0.1–0.8), is pasted at a
/// uniformly drawn position per sample, entirely inside the image. The partner's label weighs the pasted area over the
/// image area.
/// </summary>
/// <remarks>The paste is one batched resize plus one gather: no per-sample loops over pixels.</remarks>
public sealed class ResizeMix : SampleMixer<ResizeMixParameters>
{
    /// <summary>Creates ResizeMix for <paramref name="numClasses"/> classes.</summary>
    public ResizeMix(int numClasses, ResizeMixOptions? options = null)
        : base(numClasses, (options ?? new ResizeMixOptions()).LabelSmoothing)
    {
        Options = options ?? new ResizeMixOptions();
        var (min, max) = Options.ScaleRange;
        if (!(min > 0 && min <= max && max <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"ResizeMixOptions.ScaleRange must lie in (0, 1] with min ≤ max; got ({min}, {max}).");
        }

        Guard.Enum(Options.Interpolation, "ResizeMixOptions.Interpolation");
        Guard.Probability(Options.Probability, "ResizeMixOptions.Probability");
    }

    /// <summary>The options in force.</summary>
    public ResizeMixOptions Options { get; }

    /// <inheritdoc />
    public override ResizeMixParameters Sample(Tensor inputs, Generator? generator = null)
    {
        Guard.NotNull(inputs, nameof(inputs));
        CheckInputs(inputs);
        long n = inputs.shape[0], h = inputs.shape[2], w = inputs.shape[3];
        long[] partner = Draws.Permutation(n, generator);
        double[] gate = Draws.Uniform(n, generator);
        var (min, max) = Options.ScaleRange;
        double scale = min + (Draws.Uniform(1, generator)[0] * (max - min));
        double[] uy = Draws.Uniform(n, generator), ux = Draws.Uniform(n, generator);
        var (bh, bw) = PasteSize(scale, h, w);
        var boxes = new long[n * 4];
        var lambda = new double[n];
        for (long i = 0; i < n; i++)
        {
            lambda[i] = 1.0;
            if (!(gate[i] < Options.Probability) || partner[i] == i)
            {
                partner[i] = i;
                continue;
            }

            long top = Math.Min(h - bh, (long)Math.Floor(uy[i] * (h - bh + 1)));
            long left = Math.Min(w - bw, (long)Math.Floor(ux[i] * (w - bw + 1)));
            boxes[i * 4] = top;
            boxes[(i * 4) + 1] = left;
            boxes[(i * 4) + 2] = top + bh;
            boxes[(i * 4) + 3] = left + bw;
            lambda[i] = 1.0 - ((double)(bh * bw) / (h * w));
        }

        return new ResizeMixParameters(
            scale,
            torch.tensor(boxes, new long[] { n, 4 }, dtype: ScalarType.Int64),
            torch.tensor(partner, dtype: ScalarType.Int64),
            torch.tensor(lambda, dtype: ScalarType.Float64));
    }

    /// <summary>The pasted partner's size for scale τ: (⌊τ·H⌋, ⌊τ·W⌋), at least one pixel each.</summary>
    public static (long Height, long Width) PasteSize(double scale, long height, long width) =>
        (Math.Max(1, (long)Math.Floor(scale * height)), Math.Max(1, (long)Math.Floor(scale * width)));

    /// <inheritdoc />
    protected override void CheckInputs(Tensor inputs)
    {
        Guard.BatchShape(inputs.shape, nameof(inputs), "images [N, C, H, W] for ResizeMix", exactDims: 4);
        if (!Guard.IsFloating(inputs.dtype))
        {
            throw new ArgumentException($"inputs must be floating for ResizeMix (the partner is resized); got {Guard.Describe(inputs)}.", nameof(inputs));
        }
    }

    /// <inheritdoc />
    protected override void CheckParameters(ResizeMixParameters parameters, Tensor inputs)
    {
        long n = inputs.shape[0];
        if (parameters.Boxes.dtype != ScalarType.Int64 || parameters.Boxes.shape.Length != 2 || parameters.Boxes.shape[0] != n || parameters.Boxes.shape[1] != 4)
        {
            throw new ArgumentException($"parameters.Boxes must be int64 [{n}, 4]; got {Guard.Describe(parameters.Boxes)}.", nameof(parameters));
        }

        // Each pasted box must lie inside the image, be the size this image's scale gives, and λ must say its area:
        // parameters drawn for another image size would paste one size while the targets say another.
        long h = inputs.shape[2], w = inputs.shape[3];
        var (bh, bw) = PasteSize(parameters.Scale, h, w);
        using var scope = torch.NewDisposeScope();
        long[] b = parameters.Boxes.cpu().data<long>().ToArray();
        double[] lambda = parameters.Lambda.cpu().data<double>().ToArray();
        for (long i = 0; i < n; i++)
        {
            long top = b[i * 4], left = b[(i * 4) + 1], bottom = b[(i * 4) + 2], right = b[(i * 4) + 3];
            bool empty = top == bottom || left == right;
            double expected = empty ? 1.0 : 1.0 - ((double)(bh * bw) / (h * w));
            if (top < 0 || left < 0 || bottom > h || right > w || bottom < top || right < left)
            {
                throw new ArgumentOutOfRangeException(nameof(parameters), $"parameters.Boxes[{i}] = [{top}, {left}, {bottom}, {right}] must lie inside the {h}×{w} image as [top, left, bottom, right].");
            }

            if (!empty && (bottom - top != bh || right - left != bw))
            {
                throw new ArgumentException($"parameters.Boxes[{i}] is {bottom - top}×{right - left}, but scale {parameters.Scale:G4} pastes {bh}×{bw} on a {h}×{w} image (parameters drawn for another size?).", nameof(parameters));
            }

            if (Math.Abs(lambda[i] - expected) > 1e-9)
            {
                throw new ArgumentException($"parameters.Lambda[{i}] is {lambda[i]:G6}, but its box leaves {expected:G6} of the sample's own pixels.", nameof(parameters));
            }
        }
    }

    /// <inheritdoc />
    protected override Tensor MixInputs(Tensor inputs, Tensor partner, ResizeMixParameters parameters)
    {
        long n = inputs.shape[0], c = inputs.shape[1], h = inputs.shape[2], w = inputs.shape[3];
        var (bh, bw) = PasteSize(parameters.Scale, h, w);
        var device = inputs.device;
        var resized = nn.functional.interpolate(
            inputs.index_select(0, partner),
            size: new[] { bh, bw },
            mode: Options.Interpolation == Interpolation.Nearest ? InterpolationMode.Nearest : InterpolationMode.Bilinear,
            align_corners: Options.Interpolation == Interpolation.Nearest ? null : false);
        var boxes = parameters.Boxes.to(device);
        var top = boxes[.., 0].reshape(n, 1, 1);
        var left = boxes[.., 1].reshape(n, 1, 1);
        var bottom = boxes[.., 2].reshape(n, 1, 1);
        var right = boxes[.., 3].reshape(n, 1, 1);
        var y = torch.arange(h, dtype: ScalarType.Int64, device: device).reshape(1, h, 1);
        var x = torch.arange(w, dtype: ScalarType.Int64, device: device).reshape(1, 1, w);
        var inside = ((y >= top) & (y < bottom) & (x >= left) & (x < right)).unsqueeze(1);

        // Each output pixel inside a box reads resized[y − top, x − left]; outside, the index is clamped and unused.
        var source = ((y - top).clamp(0, bh - 1) * bw) + (x - left).clamp(0, bw - 1);
        var pasted = resized.flatten(2).gather(2, source.reshape(n, 1, h * w).expand(n, c, h * w)).reshape(n, c, h, w);
        return torch.where(inside, pasted, inputs);
    }
}
