using System;
using static TorchSharp.torch;

namespace MixupSharp.Detection;

/// <summary>A detection op's result: images, their boxes, and the draw that made them.</summary>
/// <typeparam name="TParameters">The draw's type.</typeparam>
public sealed class DetectionBatch<TParameters> : IDisposable
    where TParameters : class, IDisposable
{
    private readonly bool _ownsParameters;

    /// <summary>Creates a result that owns <paramref name="images"/> and <paramref name="boxes"/>.</summary>
    public DetectionBatch(Tensor images, BoxBatch boxes, TParameters parameters, bool ownsParameters)
    {
        Images = images ?? throw new ArgumentNullException(nameof(images));
        Boxes = boxes ?? throw new ArgumentNullException(nameof(boxes));
        Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        _ownsParameters = ownsParameters;
    }

    /// <summary>[N, C, H, W] images.</summary>
    public Tensor Images { get; }

    /// <summary>Their boxes.</summary>
    public BoxBatch Boxes { get; }

    /// <summary>The draw.</summary>
    public TParameters Parameters { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Images.Dispose();
        Boxes.Dispose();
        if (_ownsParameters)
        {
            Parameters.Dispose();
        }
    }
}
