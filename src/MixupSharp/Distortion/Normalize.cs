using System;
using System.Linq;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Distortion;

/// <summary>
/// Per-channel normalization (x − mean)/std of images [N, C, H, W]: the last step of a pipeline, after any mixing,
/// masking or distortion (which all work on [0, 1] intensities).
/// </summary>
public sealed class Normalize
{
    private readonly double[] _mean;
    private readonly double[] _std;

    /// <summary>Creates a normalization.</summary>
    /// <param name="mean">One mean per channel (or one for all).</param>
    /// <param name="std">One positive standard deviation per channel (or one for all); as many as <paramref name="mean"/>.</param>
    public Normalize(double[] mean, double[] std)
    {
        Guard.NotNull(mean, nameof(mean));
        Guard.NotNull(std, nameof(std));
        if (mean.Length == 0 || mean.Length != std.Length)
        {
            throw new ArgumentException($"mean and std need the same, non-zero length; got {mean.Length} and {std.Length}.", nameof(std));
        }

        if (std.Any(s => !(s > 0) || double.IsInfinity(s)) || mean.Any(m => double.IsNaN(m) || double.IsInfinity(m)))
        {
            throw new ArgumentOutOfRangeException(nameof(std), $"std must be positive and finite and mean finite; got mean [{string.Join(", ", mean)}], std [{string.Join(", ", std)}].");
        }

        _mean = (double[])mean.Clone();
        _std = (double[])std.Clone();
    }

    /// <summary>The per-channel means.</summary>
    public double[] Mean => (double[])_mean.Clone();

    /// <summary>The per-channel standard deviations.</summary>
    public double[] Std => (double[])_std.Clone();

    /// <summary>Returns (x − mean)/std as a new tensor.</summary>
    /// <param name="images">Floating images [N, C, H, W] with C equal to the number of means (or any C for one mean).</param>
    public Tensor Transform(Tensor images) => Map(images, inverse: false);

    /// <summary>Returns x·std + mean as a new tensor (the inverse, e.g. to show normalized images).</summary>
    public Tensor Inverse(Tensor images) => Map(images, inverse: true);

    private Tensor Map(Tensor images, bool inverse)
    {
        Guard.NotNull(images, nameof(images));
        Guard.BatchShape(images.shape, nameof(images), "images [N, C, H, W]", exactDims: 4);
        if (!Guard.IsFloating(images.dtype))
        {
            throw new ArgumentException($"Normalize needs floating images; got {Guard.Describe(images)}. Convert to [0, 1] floats first.", nameof(images));
        }

        if (_mean.Length != 1 && images.shape[1] != _mean.Length)
        {
            throw new ArgumentException($"Normalize has {_mean.Length} channel statistics but the images have {images.shape[1]} channels ({Guard.Shape(images.shape)}).", nameof(images));
        }

        using var scope = torch.NewDisposeScope();
        var mean = torch.tensor(_mean, dtype: ScalarType.Float64).to(images.device).to_type(images.dtype).reshape(1, -1, 1, 1);
        var std = torch.tensor(_std, dtype: ScalarType.Float64).to(images.device).to_type(images.dtype).reshape(1, -1, 1, 1);
        // One new tensor, the second operation in place on it (the same values as (x − mean) / std).
        var result = inverse ? images.mul(std).add_(mean) : images.sub(mean).div_(std);
        return result.MoveToOuterDisposeScope();
    }
}
