using System;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// The random draw of a mixing operation: everything needed to replay it exactly with
/// <c>Apply(inputs, labels, parameters)</c>. Drawn on the CPU; <c>Apply</c> moves what it needs to the inputs' device.
/// </summary>
/// <remarks>
/// Pairing convention: sample <c>i</c> is mixed with sample <c>Partner[i]</c> of the same batch, and its target is
/// <c>Lambda[i]·t_i + (1 − Lambda[i])·t_Partner[i]</c>. The object owns its tensors; dispose it when done.
/// </remarks>
public sealed class MixParameters : IDisposable
{
    /// <summary>
    /// Creates parameters from tensors, which this object then owns. Shapes are checked when the parameters are applied.
    /// </summary>
    /// <param name="lambda">[N] float64: the weight of each sample's own label in its target (1 where not mixed).</param>
    /// <param name="partner">[N] int64: the index of each sample's partner.</param>
    /// <param name="boxes">[N,4] int64 CutMix boxes (top, left, bottom, right; bottom/right exclusive), or null.</param>
    /// <param name="usesCutMix">[N] bool: which samples were mixed by CutMix (from <see cref="MixupOrCutMix"/>), or null.</param>
    public MixParameters(Tensor lambda, Tensor partner, Tensor? boxes = null, Tensor? usesCutMix = null)
    {
        Lambda = lambda ?? throw new ArgumentNullException(nameof(lambda));
        Partner = partner ?? throw new ArgumentNullException(nameof(partner));
        Boxes = boxes;
        UsesCutMix = usesCutMix;
    }

    /// <summary>[N] float64: the weight of each sample's own label in its target, after any CutMix correction; 1 where a sample was not mixed.</summary>
    public Tensor Lambda { get; }

    /// <summary>[N] int64: the partner of each sample.</summary>
    public Tensor Partner { get; }

    /// <summary>[N,4] int64 CutMix boxes (top, left, bottom, right; bottom/right exclusive; (0,0,0,0) where no box); null for Mixup.</summary>
    public Tensor? Boxes { get; }

    /// <summary>[N] bool: which samples were mixed by CutMix; set by <see cref="MixupOrCutMix"/>, null otherwise.</summary>
    public Tensor? UsesCutMix { get; }

    /// <summary>The number of samples these parameters describe.</summary>
    public long Count => Lambda.shape.Length > 0 ? Lambda.shape[0] : 0;

    /// <summary>Copies the parameters into new tensors (on the CPU) that the copy owns.</summary>
    public MixParameters Clone()
    {
        using var scope = torch.NewDisposeScope();
        return new MixParameters(Lambda.cpu().clone(), Partner.cpu().clone(), Boxes?.cpu().clone(), UsesCutMix?.cpu().clone())
            .MoveToOuterDisposeScope();
    }

    /// <summary>Moves every tensor of these parameters to the enclosing dispose scope; returns this object.</summary>
    internal MixParameters MoveToOuterDisposeScope()
    {
        Lambda.MoveToOuterDisposeScope();
        Partner.MoveToOuterDisposeScope();
        Boxes?.MoveToOuterDisposeScope();
        UsesCutMix?.MoveToOuterDisposeScope();
        return this;
    }

    /// <summary>The λ values as a managed array.</summary>
    public double[] LambdaValues()
    {
        using var scope = torch.NewDisposeScope();
        return Lambda.cpu().to_type(ScalarType.Float64).data<double>().ToArray();
    }

    /// <summary>The partner indices as a managed array.</summary>
    public long[] PartnerValues()
    {
        using var scope = torch.NewDisposeScope();
        return Partner.cpu().to_type(ScalarType.Int64).data<long>().ToArray();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Lambda.Dispose();
        Partner.Dispose();
        Boxes?.Dispose();
        UsesCutMix?.Dispose();
    }
}
