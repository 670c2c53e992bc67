using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Policies;

/// <summary>
/// Histogram equalization per sample and channel, vectorized over the batch: every (sample, channel) histogram comes
/// from one <c>bincount</c>, every lookup table from one cumulative sum. The arithmetic is torchvision 0.14's
/// <c>_scale_channel</c> (PIL's), in integers, so the 8-bit result is identical.
/// </summary>
internal static class HistogramEqualization
{
    public static Tensor Equalize(Tensor images)
    {
        long n = images.shape[0], c = images.shape[1], pixels = images.shape[2] * images.shape[3];
        long rows = n * c;
        var levels = ColorOps.Levels(images).reshape(rows, pixels);
        var offsets = torch.arange(0, rows * 256, 256, dtype: ScalarType.Int64, device: images.device).unsqueeze(1);
        var histogram = torch.bincount((levels + offsets).flatten(), minlength: rows * 256).reshape(rows, 256);

        // step = (pixels − count of the highest level present) // 255, as torchvision's nonzero_hist[:-1].sum() // 255.
        var highest = histogram.gather(1, levels.amax(new long[] { 1 }, keepdim: true));
        var step = (pixels - highest).div(255, rounding_mode: RoundingMode.floor);
        var divisor = step.clamp_min(1);

        // torchvision's table is (cumsum + step // 2) // step shifted right by one bin with a 0 in front, i.e. the
        // exclusive cumulative sum, cumsum − histogram (whose first entry, 0, gives 0 as step // 2 < step).
        var table = (histogram.cumsum(1) - histogram + divisor.div(2, rounding_mode: RoundingMode.floor)).div(divisor, rounding_mode: RoundingMode.floor).clamp(0, 255);
        var equalized = table.gather(1, levels).to_type(images.dtype) / 255.0;

        // A channel with step 0 (one level, or almost) keeps its 8-bit levels, as torchvision returns its uint8 input
        // unchanged: round(255 x) / 255, not the raw floats, which may lie between levels after a blend or a warp.
        var unchanged = step == 0;
        if (!unchanged.any().item<bool>())
        {
            return equalized.reshape(images.shape);
        }

        return torch.where(unchanged, levels.to_type(images.dtype) / 255.0, equalized).reshape(images.shape);
    }
}
