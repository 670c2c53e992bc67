using System;
using static TorchSharp.torch;

namespace MixupSharp.Detection;

/// <summary>The draw of <see cref="Mosaic"/>: each canvas's centre and its four source images.</summary>
public sealed class MosaicParameters : IDisposable
{
    /// <summary>Creates parameters that this object owns.</summary>
    /// <param name="centers">[N, 2] int64: the centre (row, column) where the four images meet.</param>
    /// <param name="sources">[N, 4] int64: the images of the top-left, top-right, bottom-left and bottom-right quadrants.</param>
    public MosaicParameters(Tensor centers, Tensor sources)
    {
        Centers = centers ?? throw new ArgumentNullException(nameof(centers));
        Sources = sources ?? throw new ArgumentNullException(nameof(sources));
    }

    /// <summary>[N, 2] int64: (row, column) of each canvas's centre.</summary>
    public Tensor Centers { get; }

    /// <summary>[N, 4] int64: the source image of each quadrant (top-left is the canvas's own image).</summary>
    public Tensor Sources { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Centers.Dispose();
        Sources.Dispose();
    }
}
