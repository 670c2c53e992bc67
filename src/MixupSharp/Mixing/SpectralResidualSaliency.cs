using System;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// Spectral-residual saliency (Hou and Zhang, "Saliency Detection: A Spectral Residual Approach", CVPR 2007), batched:
/// the log amplitude spectrum of each (channel-averaged) image minus its 3 × 3 local mean, recombined with the phase,
/// inverse FFT, squared magnitude, Gaussian blur. Whole-batch tensor operations on the images' device.
/// </summary>
public static class SpectralResidualSaliency
{
    /// <summary>Saliency maps [N, H, W] (float32) of images [N, C, H, W].</summary>
    /// <param name="images">Floating images [N, C, H, W].</param>
    /// <param name="blurSigma">σ of the final Gaussian blur, as a fraction of the larger side (0: no blur).</param>
    public static Tensor Map(Tensor images, double blurSigma)
    {
        using var scope = torch.NewDisposeScope();
        long n = images.shape[0], h = images.shape[2], w = images.shape[3];
        // float32: the CPU's pooling and convolution kernels are several times faster than in float64.
        var gray = images.to_type(ScalarType.Float32).mean(new long[] { 1 });
        var spectrum = torch.fft.fft2(gray);
        var amplitude = (spectrum.abs() + 1e-12).log();
        var phase = spectrum.angle();
        var localMean = nn.functional.avg_pool2d(nn.functional.pad(amplitude.unsqueeze(1), new long[] { 1, 1, 1, 1 }, PaddingModes.Replicate), 3, 1).squeeze(1);
        var residual = (amplitude - localMean).exp();
        var recombined = torch.complex(residual * phase.cos(), residual * phase.sin());
        var saliency = torch.fft.ifft2(recombined).abs().pow(2);
        double sigma = blurSigma * Math.Max(h, w);
        if (sigma > 0)
        {
            saliency = Blur(saliency, sigma);
        }

        return saliency.MoveToOuterDisposeScope();
    }

    /// <summary>Each map's most salient position as (row, column); ties go to the first in row-major order.</summary>
    public static (long[] Rows, long[] Columns) Peaks(Tensor maps)
    {
        using var scope = torch.NewDisposeScope();
        long w = maps.shape[2];
        long[] flat = maps.flatten(1).argmax(1).data<long>().ToArray();
        return (Array.ConvertAll(flat, f => f / w), Array.ConvertAll(flat, f => f % w));
    }

    /// <summary>A separable Gaussian blur of maps [N, H, W] with replicated borders.</summary>
    private static Tensor Blur(Tensor maps, double sigma)
    {
        int radius = (int)Math.Ceiling(3 * sigma);
        var x = torch.arange(-radius, radius + 1, dtype: maps.dtype, device: maps.device);
        var kernel = (-(x * x) / (2 * sigma * sigma)).exp();
        kernel = kernel / kernel.sum();
        var m = maps.unsqueeze(1);
        m = nn.functional.pad(m, new long[] { radius, radius, 0, 0 }, PaddingModes.Replicate);
        m = nn.functional.conv2d(m, kernel.reshape(1, 1, 1, -1));
        m = nn.functional.pad(m, new long[] { 0, 0, radius, radius }, PaddingModes.Replicate);
        m = nn.functional.conv2d(m, kernel.reshape(1, 1, -1, 1));
        return m.squeeze(1);
    }
}
