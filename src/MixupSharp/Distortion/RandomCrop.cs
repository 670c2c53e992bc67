using System;
using System.Linq;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Distortion;

/// <summary>The random draw of <see cref="RandomCrop"/>: the top-left corner of each crop in the padded image.</summary>
public sealed class CropParameters : IDisposable
{
    /// <summary>Creates parameters; this object owns <paramref name="offsets"/>.</summary>
    /// <param name="offsets">Int64 [N, 2]: (top, left) of each crop in the padded image.</param>
    /// <param name="padding">The zero padding added on every side before cropping.</param>
    /// <param name="height">The crop height.</param>
    /// <param name="width">The crop width.</param>
    public CropParameters(Tensor offsets, long padding, long height, long width)
    {
        Offsets = offsets ?? throw new ArgumentNullException(nameof(offsets));
        Padding = padding;
        Height = height;
        Width = width;
    }

    /// <summary>Int64 [N, 2]: (top, left) of each crop in the padded image; (padding, padding) is the original framing.</summary>
    public Tensor Offsets { get; }

    /// <summary>The padding added on every side.</summary>
    public long Padding { get; }

    /// <summary>The crop height.</summary>
    public long Height { get; }

    /// <summary>The crop width.</summary>
    public long Width { get; }

    /// <inheritdoc />
    public void Dispose() => Offsets.Dispose();
}

/// <summary>Options of <see cref="RandomCrop"/>.</summary>
public sealed record RandomCropOptions
{
    /// <summary>Padding on every side before cropping (at least 0). Default 4 (the CIFAR recipe: 32 with padding 4).</summary>
    public int Padding { get; init; } = 4;

    /// <summary>The value padded pixels take. Default 0.</summary>
    public double PaddingValue { get; init; }

    /// <summary>The crop size (height, width); null crops to the input size. Default null.</summary>
    public (int Height, int Width)? Size { get; init; }
}

/// <summary>
/// Random crop with constant padding, batched: each image is padded by <see cref="RandomCropOptions.Padding"/> and a
/// crop is taken at a uniform offset, all in one gather on the inputs' device (any dtype).
/// </summary>
public sealed class RandomCrop : InputAugmentation<CropParameters>
{
    /// <summary>Creates a random crop.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public RandomCrop(RandomCropOptions? options = null)
    {
        Options = options ?? new RandomCropOptions();
        if (Options.Padding < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"RandomCropOptions.Padding must be ≥ 0; got {Options.Padding}.");
        }

        if (Options.Size is { } s && (s.Height < 1 || s.Width < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"RandomCropOptions.Size must be positive; got ({s.Height}, {s.Width}).");
        }
    }

    /// <summary>The options in force.</summary>
    public RandomCropOptions Options { get; }

    /// <inheritdoc />
    public override CropParameters Sample(long[] inputShape, Generator? generator = null)
    {
        CheckShape(inputShape, nameof(inputShape));
        long n = inputShape[0], p = Options.Padding;
        var (ch, cw) = CropSize(inputShape);
        using var scope = torch.NewDisposeScope();
        var rangeY = torch.tensor(inputShape[2] + (2 * p) - ch + 1);
        var rangeX = torch.tensor(inputShape[3] + (2 * p) - cw + 1);
        var top = Regions.UniformIntegers(torch.rand(n, dtype: ScalarType.Float64, generator: generator), rangeY);
        var left = Regions.UniformIntegers(torch.rand(n, dtype: ScalarType.Float64, generator: generator), rangeX);
        return new CropParameters(torch.stack(new[] { top, left }, 1).MoveToOuterDisposeScope(), p, ch, cw);
    }

    /// <inheritdoc />
    public override Tensor Transform(Tensor inputs, CropParameters parameters)
    {
        Guard.NotNull(parameters, nameof(parameters));
        CheckInputs(inputs);
        long n = inputs.shape[0], c = inputs.shape[1], p = parameters.Padding, ch = parameters.Height, cw = parameters.Width;
        long ph = inputs.shape[2] + (2 * p), pw = inputs.shape[3] + (2 * p);
        if (parameters.Offsets.dtype != ScalarType.Int64 || !parameters.Offsets.shape.SequenceEqual(new[] { n, 2L }))
        {
            throw new ArgumentException($"parameters.Offsets must be int64 [{n}, 2] for inputs {Guard.Shape(inputs.shape)}; got {Guard.Describe(parameters.Offsets)}.", nameof(parameters));
        }

        using var scope = torch.NewDisposeScope();
        var offsets = parameters.Offsets.to(inputs.device);
        if (offsets.min().item<long>() < 0 || offsets.select(1, 0).max().item<long>() > ph - ch || offsets.select(1, 1).max().item<long>() > pw - cw)
        {
            throw new ArgumentOutOfRangeException(nameof(parameters), $"parameters.Offsets must keep each {ch}×{cw} crop inside the padded {ph}×{pw} image.");
        }

        var padded = p > 0 ? nn.functional.pad(inputs, new[] { p, p, p, p }, value: Options.PaddingValue) : inputs;
        var rows = (offsets.select(1, 0).reshape(n, 1) + torch.arange(ch, device: inputs.device)).reshape(n, 1, ch, 1).expand(n, c, ch, pw);
        var cols = (offsets.select(1, 1).reshape(n, 1) + torch.arange(cw, device: inputs.device)).reshape(n, 1, 1, cw).expand(n, c, ch, cw);
        return padded.gather(2, rows).gather(3, cols).MoveToOuterDisposeScope();
    }

    private protected override void CheckInputs(Tensor inputs)
    {
        Guard.NotNull(inputs, nameof(inputs));
        CheckShape(inputs.shape, nameof(inputs));
    }

    private void CheckShape(long[] shape, string name)
    {
        Guard.BatchShape(shape, name, "images [N, C, H, W] for RandomCrop", exactDims: 4);
        var (ch, cw) = CropSize(shape);
        if (ch > shape[2] + (2 * Options.Padding) || cw > shape[3] + (2 * Options.Padding))
        {
            throw new ArgumentException($"a {ch}×{cw} crop does not fit images {Guard.Shape(shape)} padded by {Options.Padding}.", name);
        }
    }

    private (long Height, long Width) CropSize(long[] shape) =>
        Options.Size is { } s ? (s.Height, s.Width) : (shape[2], shape[3]);
}
