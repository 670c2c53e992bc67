using System;
using System.Linq;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Masking;

/// <summary>
/// The common shape of MixupSharp's masking operations (<see cref="Cutout"/>, <see cref="RandomErasing"/>,
/// <see cref="GridMask"/>, <see cref="PixelMask"/>, <see cref="SpectrogramMask"/>): draw a 0/1 mask M per sample,
/// then compute x∘M + fill∘(1 − M).
/// </summary>
/// <remarks>
/// Data convention: masks run on images [N, C, H, W] with values in [0, 1] (or any non-negative intensities), before
/// normalization; <c>Normalize</c> is the last step of a pipeline. Random fills are uniform in [0, 1). Each sample is
/// masked with probability <c>Probability</c>; the others keep their exact bytes. The caller's tensors are never modified.
/// </remarks>
public abstract class BatchMasker : InputAugmentation<MaskParameters>
{
    private protected BatchMasker(string name, double probability, MaskFill fill, double fillValue)
    {
        Guard.Probability(probability, $"{name}Options.Probability");
        Guard.Enum(fill, $"{name}Options.Fill");
        if (double.IsNaN(fillValue) || double.IsInfinity(fillValue))
        {
            throw new ArgumentOutOfRangeException(nameof(fillValue), fillValue, $"{name}Options.FillValue must be finite; got {fillValue}.");
        }

        Name = name;
        Probability = probability;
        FillMode = fill;
        FillValue = fillValue;
    }

    /// <summary>The operation's name, used in messages.</summary>
    public string Name { get; }

    /// <summary>The probability that a sample is masked.</summary>
    public double Probability { get; }

    /// <summary>What masked-out elements are filled with.</summary>
    public MaskFill FillMode { get; }

    /// <summary>The constant fill value for <see cref="MaskFill.Constant"/>.</summary>
    public double FillValue { get; }

    /// <summary>Draws the per-sample gate, the mask and the fill for a batch of shape <paramref name="inputShape"/> [N, C, H, W]; nothing else.</summary>
    /// <param name="inputShape">The batch shape [N, C, H, W].</param>
    /// <param name="generator">The random source; TorchSharp's default generator when null.</param>
    /// <returns>Parameters on the CPU that the caller owns.</returns>
    public override MaskParameters Sample(long[] inputShape, Generator? generator = null)
    {
        CheckShape(inputShape, nameof(inputShape));
        long n = inputShape[0], c = inputShape[1], h = inputShape[2], w = inputShape[3];
        using var scope = torch.NewDisposeScope();
        var applied = torch.rand(n, dtype: ScalarType.Float64, device: CPU, generator: generator) < Probability;
        var (keep, regions) = DrawKeep(n, c, h, w, generator);
        var gate = applied.reshape(n, 1, 1, 1);
        keep = keep | gate.logical_not();
        if (regions is not null)
        {
            regions = regions * applied.reshape(n, 1, 1).to_type(ScalarType.Int64);
        }

        var fill = DrawFill(n, c, h, w, generator);
        return new MaskParameters(keep, fill, applied, regions).MoveToOuterDisposeScope();
    }

    /// <summary>The fill of a batch [N, C, H, W], drawn after the gate and the mask: a scalar, [N, C, 1, 1] or [N, C, H, W].</summary>
    private protected virtual Tensor DrawFill(long n, long c, long h, long w, Generator? generator) => FillMode switch
    {
        MaskFill.RandomPerChannel => torch.rand(new[] { n, c, 1L, 1L }, dtype: ScalarType.Float32, device: CPU, generator: generator),
        MaskFill.RandomPerPixel => torch.rand(new[] { n, c, h, w }, dtype: ScalarType.Float32, device: CPU, generator: generator),
        _ => torch.tensor((float)FillValue, dtype: ScalarType.Float32),
    };

    /// <summary>Computes x∘M + fill∘(1 − M) for given parameters (exactly: kept elements keep their bytes).</summary>
    /// <param name="inputs">Images [N, C, H, W].</param>
    /// <param name="parameters">The mask, fill and gate.</param>
    /// <returns>A new tensor like <paramref name="inputs"/>.</returns>
    public override Tensor Transform(Tensor inputs, MaskParameters parameters)
    {
        Guard.NotNull(inputs, nameof(inputs));
        Guard.NotNull(parameters, nameof(parameters));
        CheckShape(inputs.shape, nameof(inputs));
        MaskChecks.Check(parameters, inputs, Name);
        using var scope = torch.NewDisposeScope();
        var device = inputs.device;
        var fill = parameters.Fill.to(device).to_type(inputs.dtype);
        return torch.where(parameters.Mask.to(device), inputs, fill).MoveToOuterDisposeScope();
    }

    private protected override void CheckInputs(Tensor inputs) => CheckShape(inputs.shape, nameof(inputs));

    /// <summary>Checks a batch shape [N, C, H, W]; ops may add their own limits.</summary>
    private protected virtual void CheckShape(long[] shape, string name) =>
        Guard.BatchShape(shape, name, $"images [N, C, H, W] for {Name}", exactDims: 4);

    /// <summary>Draws the keep-mask (bool [N, 1 or C, H, W]) and, for rectangular masks, the regions [N, K, 4] removed.</summary>
    private protected abstract (Tensor Keep, Tensor? Regions) DrawKeep(long n, long c, long h, long w, Generator? generator);
}

/// <summary>Checks of mask parameters against the batch they are applied to.</summary>
internal static class MaskChecks
{
    public static void Check(MaskParameters p, Tensor inputs, string op)
    {
        long n = inputs.shape[0], c = inputs.shape[1], h = inputs.shape[2], w = inputs.shape[3];
        const string name = "parameters";
        var m = p.Mask;
        if (m.dtype != ScalarType.Bool || m.shape.Length != 4 || m.shape[0] != n || (m.shape[1] != 1 && m.shape[1] != c) || m.shape[2] != h || m.shape[3] != w)
        {
            throw new ArgumentException($"{name}.Mask must be bool [{n}, 1 or {c}, {h}, {w}] to match the inputs {Guard.Shape(inputs.shape)}; got {Guard.Describe(m)}.", name);
        }

        var f = p.Fill;
        bool fillFits = f.shape.Length == 0
            || (f.shape.Length == 4 && f.shape[0] == n && f.shape[1] == c && ((f.shape[2] == 1 && f.shape[3] == 1) || (f.shape[2] == h && f.shape[3] == w)));
        if (!fillFits || !Guard.IsFloating(f.dtype))
        {
            throw new ArgumentException($"{name}.Fill must be a floating scalar, [{n}, {c}, 1, 1] or [{n}, {c}, {h}, {w}]; got {Guard.Describe(f)}.", name);
        }

        if (f.shape.Length != 0 && !Guard.IsFloating(inputs.dtype))
        {
            throw new ArgumentException($"{op}: random fills need floating inputs; got {Guard.Describe(inputs)}. Use MaskFill.Constant for integer images.", nameof(inputs));
        }

        if (p.Applied.dtype != ScalarType.Bool || !p.Applied.shape.SequenceEqual(new[] { n }))
        {
            throw new ArgumentException($"{name}.Applied must be bool [{n}]; got {Guard.Describe(p.Applied)}.", name);
        }
    }
}
