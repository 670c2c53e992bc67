using System;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// The draw of <see cref="ResizeMix"/>: the batch's scale τ, where each sample's resized partner is pasted, its partner
/// and λ (1 − pasted area / image area).
/// </summary>
public sealed class ResizeMixParameters : IMixDraw
{
    /// <summary>Creates parameters that this object then owns.</summary>
    /// <param name="scale">τ, in (0, 1].</param>
    /// <param name="boxes">[N, 4] int64 (top, left, bottom, right; bottom/right exclusive); (0, 0, 0, 0) where nothing is pasted.</param>
    /// <param name="partner">[N] int64.</param>
    /// <param name="lambda">[N] float64.</param>
    public ResizeMixParameters(double scale, Tensor boxes, Tensor partner, Tensor lambda)
    {
        if (!(scale > 0 && scale <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"scale must be in (0, 1]; got {scale}.");
        }

        Scale = scale;
        Boxes = boxes ?? throw new ArgumentNullException(nameof(boxes));
        Partner = partner ?? throw new ArgumentNullException(nameof(partner));
        Lambda = lambda ?? throw new ArgumentNullException(nameof(lambda));
    }

    /// <summary>τ: the pasted partner's sides are ⌊τ·H⌋ × ⌊τ·W⌋ (at least one pixel).</summary>
    public double Scale { get; }

    /// <summary>[N, 4] int64 (top, left, bottom, right) of each paste; an empty box where a sample is not mixed.</summary>
    public Tensor Boxes { get; }

    /// <inheritdoc />
    public Tensor Partner { get; }

    /// <inheritdoc />
    public Tensor Lambda { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Boxes.Dispose();
        Partner.Dispose();
        Lambda.Dispose();
    }
}
