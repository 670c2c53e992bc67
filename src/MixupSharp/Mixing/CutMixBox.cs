using System;

namespace MixupSharp.Mixing;

/// <summary>
/// A CutMix box in pixel coordinates: rows [Top, Bottom) and columns [Left, Right) (bottom and right exclusive).
/// </summary>
/// <param name="Top">The first row inside the box.</param>
/// <param name="Left">The first column inside the box.</param>
/// <param name="Bottom">One past the last row inside the box.</param>
/// <param name="Right">One past the last column inside the box.</param>
public readonly record struct CutMixBox(long Top, long Left, long Bottom, long Right)
{
    /// <summary>The empty box (0, 0, 0, 0), used where a sample is not cut.</summary>
    public static CutMixBox Empty => default;

    /// <summary>The number of pixels inside the box.</summary>
    public long Area => Math.Max(0, Bottom - Top) * Math.Max(0, Right - Left);

    /// <summary>The label weight of the image the box is pasted into: 1 − area / (H·W).</summary>
    public double LambdaFor(long height, long width) => 1.0 - ((double)Area / ((double)height * width));

    /// <summary>
    /// timm's <c>rand_bbox</c> arithmetic: side ratio r = √(1 − λ), cut_h = ⌊H·r⌋, cut_w = ⌊W·r⌋, and a box of
    /// half-sides ⌊cut/2⌋ around the centre (cy, cx), clipped to the image.
    /// </summary>
    /// <param name="lambda">The drawn λ in [0, 1].</param>
    /// <param name="centerY">The centre row in [0, H).</param>
    /// <param name="centerX">The centre column in [0, W).</param>
    /// <param name="height">The image height H.</param>
    /// <param name="width">The image width W.</param>
    public static CutMixBox FromLambda(double lambda, long centerY, long centerX, long height, long width)
    {
        double ratio = Math.Sqrt(1.0 - Math.Clamp(lambda, 0.0, 1.0));
        long cutH = (long)Math.Floor(height * ratio);
        long cutW = (long)Math.Floor(width * ratio);
        return new CutMixBox(
            Math.Clamp(centerY - (cutH / 2), 0, height),
            Math.Clamp(centerX - (cutW / 2), 0, width),
            Math.Clamp(centerY + (cutH / 2), 0, height),
            Math.Clamp(centerX + (cutW / 2), 0, width));
    }

    /// <summary>
    /// The one-dimensional analogue for sequences of length L (a box of height 1): cut length ⌊L·(1 − λ)⌋, half-length
    /// ⌊cut/2⌋ around the centre, clipped to [0, L), so that 1 − length/L estimates λ.
    /// </summary>
    /// <param name="lambda">The drawn λ in [0, 1].</param>
    /// <param name="center">The centre position in [0, L).</param>
    /// <param name="length">The sequence length L.</param>
    public static CutMixBox FromLambdaAlongLength(double lambda, long center, long length)
    {
        long cut = (long)Math.Floor(length * (1.0 - Math.Clamp(lambda, 0.0, 1.0)));
        long left = Math.Clamp(center - (cut / 2), 0, length);
        long right = Math.Clamp(center + (cut / 2), 0, length);
        return right > left ? new CutMixBox(0, left, 1, right) : Empty;
    }

    /// <summary>A box of the given sides placed at (top, left), which must lie fully inside the image.</summary>
    public static CutMixBox FromCorner(long top, long left, long cutHeight, long cutWidth) =>
        new(top, left, top + cutHeight, left + cutWidth);
}
