using System.Linq;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// One PuzzleMix draw: partners, the block mask, the transport of each image's blocks, and λ. Applying it needs no model
/// and no saliency, so a batch can be replayed from it byte for byte.
/// </summary>
public sealed class PuzzleMixParameters : IMixDraw
{
    /// <summary>Creates the parameters; the instance owns the tensors.</summary>
    public PuzzleMixParameters(Tensor masks, Tensor partner, Tensor lambda, Tensor? sources)
    {
        Masks = masks;
        Partner = partner;
        Lambda = lambda;
        Sources = sources;
    }

    /// <summary>[N, g, g] float32: each block's weight of the sample's own (transported) image, in {0, 1/(L − 1), ..., 1}.</summary>
    public Tensor Masks { get; }

    /// <inheritdoc />
    public Tensor Partner { get; }

    /// <summary>[N] float64: the mean of each mask, the weight of the sample's own label.</summary>
    public Tensor Lambda { get; }

    /// <summary>
    /// [N, 2, T²] int64, or null without transport: for each of the T × T transport blocks (row-major), which block of the
    /// sample's own image (row 0) and of its partner (row 1) lands there; −1 where none does (that block reads 0).
    /// </summary>
    public Tensor? Sources { get; }

    /// <summary>Each sample's λ.</summary>
    public double[] LambdaValues() => Lambda.data<double>().ToArray();

    /// <summary>Each sample's partner.</summary>
    public long[] PartnerValues() => Partner.data<long>().ToArray();

    /// <summary>The side g of the labelling grid.</summary>
    public long GridSide => Masks.shape[1];

    /// <inheritdoc />
    public void Dispose()
    {
        Masks.Dispose();
        Partner.Dispose();
        Lambda.Dispose();
        Sources?.Dispose();
    }
}
