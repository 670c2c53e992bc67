using System;

namespace MixupSharp.Mixing;

/// <summary>
/// A CutMix box from uniform draws: with a side-ratio range (timm's <c>cutmix_minmax</c>) the sides are drawn in the
/// range and the corner uniformly; otherwise the box has side ratio √(1 − λ) around a uniform centre and is clipped
/// (timm's <c>rand_bbox</c>); for sequences the box spans one row and cuts along the length.
/// </summary>
internal static class BoxSampling
{
    /// <summary>The box of one group from its λ draw and four uniform draws.</summary>
    public static CutMixBox Box(double lambda, double u1, double u2, double u3, double u4, long height, long width, (double Min, double Max)? sideRatioRange, bool cutsSequences)
    {
        if (sideRatioRange is { } range)
        {
            long cutH = cutsSequences ? 1 : Math.Min(height, (long)Math.Floor(height * (range.Min + (u1 * (range.Max - range.Min)))));
            long cutW = Math.Min(width, (long)Math.Floor(width * (range.Min + (u2 * (range.Max - range.Min)))));
            long top = Math.Min(height - cutH, (long)Math.Floor(u3 * (height - cutH + 1)));
            long left = Math.Min(width - cutW, (long)Math.Floor(u4 * (width - cutW + 1)));
            return CutMixBox.FromCorner(top, left, cutH, cutW);
        }

        if (cutsSequences)
        {
            long cx = Math.Min(width - 1, (long)Math.Floor(u2 * width));
            return CutMixBox.FromLambdaAlongLength(lambda, cx, width);
        }

        long cy = Math.Min(height - 1, (long)Math.Floor(u1 * height));
        long cx2 = Math.Min(width - 1, (long)Math.Floor(u2 * width));
        return CutMixBox.FromLambda(lambda, cy, cx2, height, width);
    }
}
