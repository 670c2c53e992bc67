using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// What every mixing draw records: each sample's partner and the weight of its own label. Sample <c>i</c> is mixed with
/// sample <c>Partner[i]</c>; its target is <c>Lambda[i]·t_i + (1 − Lambda[i])·t_Partner[i]</c>.
/// </summary>
public interface IMixDraw : System.IDisposable
{
    /// <summary>[N] int64: each sample's partner (its own index where it is not mixed).</summary>
    Tensor Partner { get; }

    /// <summary>[N] float64: the weight of each sample's own label (1 where it is not mixed).</summary>
    Tensor Lambda { get; }
}
