using System;
using System.Linq;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Detection;

/// <summary>Options of <see cref="Mosaic"/>; the box filter's defaults are those of the YOLOv5 code (2 pixels, 10% of the area).</summary>
public sealed record MosaicOptions
{
    /// <summary>The centre is drawn uniformly in this range of the height and of the width.</summary>
    public (double Min, double Max) CenterRange { get; init; } = (0.25, 0.75);

    /// <summary>A clipped box narrower or lower than this many pixels is dropped.</summary>
    public double MinSide { get; init; } = 2.0;

    /// <summary>A clipped box keeping less than this fraction of its area is dropped.</summary>
    public double MinAreaFraction { get; init; } = 0.1;
}

/// <summary>
/// Mosaic (Bochkovskiy et al., "YOLOv4: Optimal Speed and Accuracy of Object Detection", arXiv:2004.10934): four images
/// meet at a random centre (cy, cx) of a canvas of the input's H × W, without rescaling: the top-left quadrant shows the
/// bottom-right of the canvas's own image, the top-right the bottom-left of a second, the bottom-left the top-right of a
/// third, the bottom-right the top-left of a fourth (the three others drawn uniformly from the batch). Boxes move with
/// their image, are clipped to its quadrant, and are dropped when what remains is under
/// <see cref="MosaicOptions.MinSide"/> pixels a side or <see cref="MosaicOptions.MinAreaFraction"/> of their area. The
/// result has 4K box slots, quadrant by quadrant; dropped boxes become padding (label −1).
/// </summary>
public sealed class Mosaic
{
    /// <summary>Creates the op.</summary>
    public Mosaic(MosaicOptions? options = null)
    {
        Options = options ?? new MosaicOptions();
        var (min, max) = Options.CenterRange;
        if (!(min >= 0 && min <= max && max <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"MosaicOptions.CenterRange must lie in [0, 1] with min ≤ max; got ({min}, {max}).");
        }

        if (!(Options.MinSide >= 0) || !(Options.MinAreaFraction >= 0 && Options.MinAreaFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"MosaicOptions.MinSide must be ≥ 0 and MinAreaFraction in [0, 1]; got {Options.MinSide} and {Options.MinAreaFraction}.");
        }
    }

    /// <summary>The options in force.</summary>
    public MosaicOptions Options { get; }

    /// <summary>Draws each canvas's three other sources, then its centre row and column.</summary>
    public MosaicParameters Sample(long count, long height, long width, Generator? generator = null)
    {
        if (count < 1 || height < 1 || width < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"count, height and width must be ≥ 1; got {count}, {height}, {width}.");
        }

        double[] others = Draws.Uniform(count * 3, generator);
        double[] cy = Draws.Uniform(count, generator), cx = Draws.Uniform(count, generator);
        var (min, max) = Options.CenterRange;
        var sources = new long[count * 4];
        var centers = new long[count * 2];
        for (long i = 0; i < count; i++)
        {
            sources[i * 4] = i;
            for (int q = 1; q < 4; q++)
            {
                sources[(i * 4) + q] = Math.Min(count - 1, (long)Math.Floor(others[(i * 3) + q - 1] * count));
            }

            centers[i * 2] = (long)Math.Floor((min + (cy[i] * (max - min))) * height);
            centers[(i * 2) + 1] = (long)Math.Floor((min + (cx[i] * (max - min))) * width);
        }

        return new MosaicParameters(torch.tensor(centers, new long[] { count, 2 }, dtype: ScalarType.Int64), torch.tensor(sources, new long[] { count, 4 }, dtype: ScalarType.Int64));
    }

    /// <summary>Samples, then applies; the result owns the parameters.</summary>
    public DetectionBatch<MosaicParameters> Apply(Tensor images, BoxBatch boxes, Generator? generator = null)
    {
        DetectionChecks.ImagesAndBoxes(images, boxes, nameof(Mosaic));
        var parameters = Sample(images.shape[0], images.shape[2], images.shape[3], generator);
        try
        {
            return Compose(images, boxes, parameters, ownsParameters: true);
        }
        catch
        {
            parameters.Dispose();
            throw;
        }
    }

    /// <summary>Applies given parameters: pure.</summary>
    public DetectionBatch<MosaicParameters> Apply(Tensor images, BoxBatch boxes, MosaicParameters parameters) => Compose(images, boxes, parameters, ownsParameters: false);

    private DetectionBatch<MosaicParameters> Compose(Tensor images, BoxBatch boxes, MosaicParameters parameters, bool ownsParameters)
    {
        DetectionChecks.ImagesAndBoxes(images, boxes, nameof(Mosaic));
        Guard.NotNull(parameters, nameof(parameters));
        long n = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        if (!parameters.Centers.shape.SequenceEqual(new[] { n, 2L }) || !parameters.Sources.shape.SequenceEqual(new[] { n, 4L }))
        {
            throw new ArgumentException($"parameters must hold centers [{n}, 2] and sources [{n}, 4]; got {Guard.Shape(parameters.Centers.shape)} and {Guard.Shape(parameters.Sources.shape)}.", nameof(parameters));
        }

        CheckValues(parameters, n, h, w);

        using var scope = torch.NewDisposeScope();
        var device = images.device;
        var sources = parameters.Sources.to(device);
        var cy = parameters.Centers.to(device)[.., 0].reshape(n, 1, 1);
        var cx = parameters.Centers.to(device)[.., 1].reshape(n, 1, 1);

        // Every canvas pixel reads one source pixel: one gather for the whole batch.
        var y = torch.arange(h, dtype: ScalarType.Int64, device: device).reshape(1, h, 1);
        var x = torch.arange(w, dtype: ScalarType.Int64, device: device).reshape(1, 1, w);
        var top = y < cy;
        var left = x < cx;
        var quadrant = (top.logical_not().to_type(ScalarType.Int64) * 2) + left.logical_not().to_type(ScalarType.Int64);
        var source = sources.gather(1, quadrant.reshape(n, h * w)).reshape(n, h, w);
        var sy = torch.where(top, y + h - cy, y - cy);
        var sx = torch.where(left, x + w - cx, x - cx);
        var flat = ((source * h * w) + (sy * w) + sx).flatten();
        var canvas = images.transpose(0, 1).reshape(c, n * h * w).index_select(1, flat).reshape(c, n, h, w).transpose(0, 1).contiguous();

        // Boxes: shift each quadrant's source boxes by where its image landed, clip to the quadrant, filter.
        var dtype = boxes.Boxes.dtype;
        var fy = cy.reshape(n, 1).to_type(dtype);
        var fx = cx.reshape(n, 1).to_type(dtype);
        var all = new (Tensor Boxes, Tensor Labels, Tensor Weights)[4];
        for (int q = 0; q < 4; q++)
        {
            bool bottom = q >= 2, right = q % 2 == 1;
            var index = sources[.., q];
            var b = boxes.Boxes.index_select(0, index);
            var dx = right ? fx : fx - w;
            var dy = bottom ? fy : fy - h;
            var x0 = right ? fx : torch.zeros_like(fx);
            var x1 = right ? torch.full_like(fx, w) : fx;
            var y0 = bottom ? fy : torch.zeros_like(fy);
            var y1 = bottom ? torch.full_like(fy, h) : fy;
            var bx1 = b[.., .., 0] + dx;
            var by1 = b[.., .., 1] + dy;
            var bx2 = b[.., .., 2] + dx;
            var by2 = b[.., .., 3] + dy;
            var cx1 = torch.maximum(bx1, x0);
            var cy1 = torch.maximum(by1, y0);
            var cx2 = torch.minimum(bx2, x1);
            var cy2 = torch.minimum(by2, y1);
            var cw = cx2 - cx1;
            var ch = cy2 - cy1;
            var area = ((bx2 - bx1) * (by2 - by1)).clamp_min(1e-12);
            var labels = boxes.Labels.index_select(0, index);
            var keep = (labels >= 0) & (cw >= Options.MinSide) & (ch >= Options.MinSide) & (cw > 0) & (ch > 0) & ((cw.clamp_min(0) * ch.clamp_min(0)) >= (area * Options.MinAreaFraction));
            var clipped = torch.stack(new[] { cx1, cy1, cx2, cy2 }, 2);
            all[q] = (
                torch.where(keep.unsqueeze(2), clipped, torch.zeros_like(clipped)),
                torch.where(keep, labels, torch.full_like(labels, -1)),
                torch.where(keep, boxes.Weights.index_select(0, index), torch.zeros_like(boxes.Weights.index_select(0, index))));
        }

        var result = new BoxBatch(torch.cat(all.Select(a => a.Boxes).ToArray(), 1), torch.cat(all.Select(a => a.Labels).ToArray(), 1), torch.cat(all.Select(a => a.Weights).ToArray(), 1));
        return new DetectionBatch<MosaicParameters>(canvas.MoveToOuterDisposeScope(), result.MoveToOuterDisposeScope(), parameters, ownsParameters);
    }

    /// <summary>Centres inside the canvas ([0, H] × [0, W]) and source indices in [0, N), as int64: anything else would read another image's pixels or reach libtorch out of range.</summary>
    private static void CheckValues(MosaicParameters parameters, long n, long h, long w)
    {
        if (parameters.Centers.dtype != ScalarType.Int64 || parameters.Sources.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"parameters.Centers and .Sources must be int64; got {Guard.Describe(parameters.Centers)} and {Guard.Describe(parameters.Sources)}.", nameof(parameters));
        }

        using var scope = torch.NewDisposeScope();
        long[] centers = parameters.Centers.cpu().data<long>().ToArray();
        long[] sources = parameters.Sources.cpu().data<long>().ToArray();
        for (long i = 0; i < n; i++)
        {
            long cy = centers[i * 2], cx = centers[(i * 2) + 1];
            if (cy < 0 || cy > h || cx < 0 || cx > w)
            {
                throw new ArgumentOutOfRangeException(nameof(parameters), $"parameters.Centers[{i}] = ({cy}, {cx}) lies outside the {h}×{w} canvas (row in [0, {h}], column in [0, {w}]).");
            }
        }

        if (sources.Any(j => j < 0 || j >= n))
        {
            throw new ArgumentOutOfRangeException(nameof(parameters), $"parameters.Sources must hold image indices in [0, {n}); got values in [{sources.Min()}, {sources.Max()}].");
        }
    }
}
