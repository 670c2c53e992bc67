using System;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Distortion;

/// <summary>The random draw of <see cref="RandomAffine"/>: one forward 3×3 matrix per sample, and which samples were distorted.</summary>
public sealed class AffineParameters : IDisposable
{
    /// <summary>Creates parameters from tensors, which this object then owns.</summary>
    /// <param name="matrices">Float64 [N, 3, 3] forward matrices in pixel coordinates (identity where not applied).</param>
    /// <param name="applied">Bool [N].</param>
    public AffineParameters(Tensor matrices, Tensor applied)
    {
        Matrices = matrices ?? throw new ArgumentNullException(nameof(matrices));
        Applied = applied ?? throw new ArgumentNullException(nameof(applied));
    }

    /// <summary>Float64 [N, 3, 3] forward matrices in pixel coordinates (see <see cref="AffineMatrix"/>).</summary>
    public Tensor Matrices { get; }

    /// <summary>Bool [N]: which samples were distorted.</summary>
    public Tensor Applied { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Matrices.Dispose();
        Applied.Dispose();
    }
}
