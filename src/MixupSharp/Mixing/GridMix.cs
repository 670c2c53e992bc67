using System;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// GridMix (Baek et al., "GridMix: Strong regularization through local context mapping", Pattern Recognition 2021): the
/// image is divided into an n × n grid, n drawn per sample from <see cref="GridMixOptions.GridSizes"/> (OpenMixup: 2–6),
/// and each cell is taken from the partner with probability <see cref="GridMixOptions.CellProbability"/>. Row y falls in
/// cell ⌊y·n/H⌋ (cells differ by at most a pixel when n does not divide H). λ, the own label's weight, is the fraction of
/// pixels kept.
/// </summary>
public sealed class GridMix : MaskMixer
{
    /// <summary>Creates GridMix for <paramref name="numClasses"/> classes.</summary>
    public GridMix(int numClasses, GridMixOptions? options = null)
        : base(numClasses, (options ?? new GridMixOptions()).LabelSmoothing, (options ?? new GridMixOptions()).Probability, sequences: false)
    {
        Options = options ?? new GridMixOptions();
        var (min, max) = Options.GridSizes;
        if (min < 1 || max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"GridMixOptions.GridSizes must satisfy 1 ≤ min ≤ max; got ({min}, {max}).");
        }

        Guard.Probability(Options.CellProbability, "GridMixOptions.CellProbability");
    }

    /// <summary>The options in force.</summary>
    public GridMixOptions Options { get; }

    /// <inheritdoc />
    public override MaskMixParameters Sample(Tensor inputs, Generator? generator = null)
    {
        Guard.NotNull(inputs, nameof(inputs));
        CheckInputs(inputs);
        long n = inputs.shape[0], h = inputs.shape[2], w = inputs.shape[3];
        var (partner, mixed) = DrawPartners(n, generator);
        var (min, max) = Options.GridSizes;
        double[] size = Draws.Uniform(n, generator);
        using var scope = torch.NewDisposeScope();
        var cells = torch.tensor(Array.ConvertAll(size, u => (long)Math.Min(max, min + Math.Floor(u * (max - min + 1)))), dtype: ScalarType.Int64);
        var taken = torch.rand(new long[] { n, max, max }, dtype: ScalarType.Float64, generator: generator) < Options.CellProbability;
        var row = (torch.arange(h, dtype: ScalarType.Int64).unsqueeze(0) * cells.unsqueeze(1)).div(h, rounding_mode: RoundingMode.floor);
        var col = (torch.arange(w, dtype: ScalarType.Int64).unsqueeze(0) * cells.unsqueeze(1)).div(w, rounding_mode: RoundingMode.floor);
        var index = (row.unsqueeze(2) * max) + col.unsqueeze(1);
        var fromPartner = taken.reshape(n, max * max).gather(1, index.reshape(n, h * w)).reshape(n, h, w);
        return Finish(fromPartner.logical_not().to_type(ScalarType.Float32), partner, mixed).MoveToOuterDisposeScope();
    }
}
