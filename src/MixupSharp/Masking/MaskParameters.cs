using System;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Masking;

/// <summary>
/// The random draw of a masking operation: the 0/1 mask itself, the fill, and which samples were masked. Applying
/// computes x∘M + fill∘(1 − M). Drawn on the CPU; the apply step moves what it needs to the inputs' device.
/// </summary>
/// <remarks>Owns its tensors; dispose it when done.</remarks>
public sealed class MaskParameters : IDisposable
{
    /// <summary>Creates parameters from tensors, which this object then owns. They are checked when applied.</summary>
    /// <param name="mask">Bool [N, 1, H, W] (shared by all channels) or [N, C, H, W]: true keeps the element (M = 1).</param>
    /// <param name="fill">Float32 values broadcastable to [N, C, H, W]: a scalar, [N, C, 1, 1] or [N, C, H, W].</param>
    /// <param name="applied">Bool [N]: which samples the op was applied to (the others have an all-true mask).</param>
    /// <param name="regions">Int64 [N, K, 4] rectangles (top, left, bottom, right; exclusive) that were masked out, or null for non-rectangular masks.</param>
    public MaskParameters(Tensor mask, Tensor fill, Tensor applied, Tensor? regions = null)
    {
        Mask = mask ?? throw new ArgumentNullException(nameof(mask));
        Fill = fill ?? throw new ArgumentNullException(nameof(fill));
        Applied = applied ?? throw new ArgumentNullException(nameof(applied));
        Regions = regions;
    }

    /// <summary>Bool [N, 1, H, W] or [N, C, H, W]; true = keep (M = 1), false = fill. <c>Mask.to_type(dtype)</c> is the 0/1 matrix M.</summary>
    public Tensor Mask { get; }

    /// <summary>Float32 fill values, broadcastable to [N, C, H, W].</summary>
    public Tensor Fill { get; }

    /// <summary>Bool [N]: which samples were masked (drawn with the op's probability).</summary>
    public Tensor Applied { get; }

    /// <summary>Int64 [N, K, 4] masked-out rectangles (top, left, bottom, right; (0,0,0,0) where none), or null.</summary>
    public Tensor? Regions { get; }

    /// <summary>The fraction of elements of each sample that are kept (M = 1), as float64 [N].</summary>
    public double[] KeptFraction()
    {
        using var scope = torch.NewDisposeScope();
        return Mask.to_type(ScalarType.Float64).flatten(1).mean(new long[] { 1 }).cpu().data<double>().ToArray();
    }

    /// <summary>Which samples were masked, as a managed array.</summary>
    public bool[] AppliedValues()
    {
        using var scope = torch.NewDisposeScope();
        return Applied.cpu().data<bool>().ToArray();
    }

    internal MaskParameters MoveToOuterDisposeScope()
    {
        Mask.MoveToOuterDisposeScope();
        Fill.MoveToOuterDisposeScope();
        Applied.MoveToOuterDisposeScope();
        Regions?.MoveToOuterDisposeScope();
        return this;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Mask.Dispose();
        Fill.Dispose();
        Applied.Dispose();
        Regions?.Dispose();
    }
}
