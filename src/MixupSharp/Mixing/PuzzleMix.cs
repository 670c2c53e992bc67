using System;
using System.Collections.Generic;
using System.Linq;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// PuzzleMix (Kim, Choo and Song, "Puzzle Mix: Exploiting Saliency and Local Statistics for Optimal Mixup", ICML 2020,
/// arXiv:2009.06962), as OpenMixup's <c>puzzlemix</c>: a partner per sample from one permutation; λ ~ Beta(α, α) and a
/// grid side g drawn per batch; per sample, a labelling of the g × g blocks with L mask values that minimizes the
/// saliency lost, a prior from λ and the smoothness of labels and of the data across block borders (alpha-beta swap
/// over binary minimum cuts, <see cref="Puzzle.AlphaBetaSwap"/>); then, within each image, its blocks moved toward the
/// positions where the mask keeps them (<see cref="Puzzle.BlockTransport"/>). Output = M∘T₁(x_i) + (1 − M)∘T₂(x_j);
/// the targets are mixed by λ = mean(M).
/// </summary>
/// <remarks>
/// The op is model-free: the saliency (the reference uses the ℓ2 norm over channels of the loss's input gradient) is an
/// input, so the draw is replayable from <see cref="PuzzleMixParameters"/>. Where it departs from the reference: the
/// energy is minimized in float64 (the reference scales it by 1000·g² and truncates to int32 for gco); grids other than
/// powers of two are allowed (<see cref="PuzzleMixOptions.BlockSides"/>), with the pooling and transport sizes the
/// largest divisors of the block side not above the options; a pairwise weight that would be negative (γ &gt; 1 or
/// pixels outside [0, 1]) is clamped to 0; in the transport a destination is always won by one of its claimants (the
/// PuzzleMix authors' later version; OpenMixup's can hand it to a block that did not claim it, leaving it empty).
/// </remarks>
public sealed partial class PuzzleMix
{
    /// <summary>Creates PuzzleMix for <paramref name="numClasses"/> classes.</summary>
    public PuzzleMix(int numClasses, PuzzleMixOptions? options = null)
    {
        Guard.NumClasses(numClasses);
        Options = options ?? new PuzzleMixOptions();
        Guard.Smoothing(Options.LabelSmoothing, "PuzzleMixOptions.LabelSmoothing");
        if (!(Options.Alpha > 0) || double.IsInfinity(Options.Alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"PuzzleMixOptions.Alpha must be positive and finite; got {Options.Alpha}.");
        }

        Positive(Options.Beta, "Beta", allowZero: true);
        Positive(Options.Eta, "Eta", allowZero: true);
        Positive(Options.TransportEps, "TransportEps", allowZero: true);
        if (!(Options.Gamma >= 0) || double.IsInfinity(Options.Gamma))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"PuzzleMixOptions.Gamma must be finite and non-negative; got {Options.Gamma}.");
        }

        if (Options.Labels is < 2 or > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"PuzzleMixOptions.Labels must be in [2, 16]; got {Options.Labels}.");
        }

        if (Options.NeighborhoodSize < 1 || Options.TransportSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"PuzzleMixOptions.NeighborhoodSize and TransportSize must be at least 1; got {Options.NeighborhoodSize} and {Options.TransportSize}.");
        }

        if (Options.BlockSides is { } sides && (sides.Count == 0 || sides.Any(s => s is < 1 or > 16)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"PuzzleMixOptions.BlockSides must list grid sides in [1, 16]; got [{string.Join(", ", sides)}].");
        }

        NumClasses = numClasses;
    }

    /// <summary>Classes of the soft targets.</summary>
    public int NumClasses { get; }

    /// <summary>The options in force.</summary>
    public PuzzleMixOptions Options { get; }

    /// <summary>The grid sides drawn for images of side <paramref name="imageSide"/>; throws when a given side does not divide it.</summary>
    public IReadOnlyList<int> BlockSidesFor(long imageSide)
    {
        if (Options.BlockSides is { } given)
        {
            var bad = given.Where(g => imageSide % g != 0).ToList();
            if (bad.Count > 0)
            {
                throw new ArgumentException($"PuzzleMixOptions.BlockSides must divide the image side {imageSide}; {string.Join(", ", bad)} do not.");
            }

            return given;
        }

        var sides = Enumerable.Range(2, 15).Where(g => imageSide % g == 0).ToList();
        if (sides.Count == 0)
        {
            throw new ArgumentException($"PuzzleMix needs an image side with a divisor from 2 to 16 for its block grid; got {imageSide} (pad the images, or set PuzzleMixOptions.BlockSides).");
        }

        return sides;
    }

    /// <summary>Samples from <paramref name="saliency"/> of <paramref name="images"/>, then applies; the result owns the parameters.</summary>
    public MixedSamples<PuzzleMixParameters> Apply(Tensor images, Tensor labels, Tensor saliency, Generator? generator = null)
    {
        var parameters = Sample(images, saliency, generator);
        try
        {
            return Mix(images, labels, parameters, ownsParameters: true);
        }
        catch
        {
            parameters.Dispose();
            throw;
        }
    }

    /// <summary>Applies given parameters to <paramref name="inputs"/> [N, C, S, S]: pure, the same arguments give the same bytes.</summary>
    public MixedSamples<PuzzleMixParameters> Apply(Tensor inputs, Tensor labels, PuzzleMixParameters parameters) => Mix(inputs, labels, parameters, ownsParameters: false);

    private MixedSamples<PuzzleMixParameters> Mix(Tensor inputs, Tensor labels, PuzzleMixParameters parameters, bool ownsParameters)
    {
        Guard.NotNull(inputs, nameof(inputs));
        Guard.NotNull(labels, nameof(labels));
        Guard.NotNull(parameters, nameof(parameters));
        CheckImages(inputs, nameof(inputs));
        long n = inputs.shape[0], side = inputs.shape[2];
        SoftTargets.CheckLabels(labels, n, NumClasses, nameof(labels));
        Guard.PerSample(parameters.Partner, ScalarType.Int64, n, "parameters.Partner", nameof(parameters));
        Guard.PerSample(parameters.Lambda, ScalarType.Float64, n, "parameters.Lambda", nameof(parameters));
        Guard.DrawValues(parameters.Lambda, parameters.Partner, n, nameof(parameters));
        CheckDraw(parameters, n, side);

        using var scope = torch.NewDisposeScope();
        var device = inputs.device;
        var partner = parameters.Partner.to(device);
        var own = inputs;
        var other = inputs.index_select(0, partner);
        if (parameters.Sources is { } sources)
        {
            long t = (long)Math.Round(Math.Sqrt(sources.shape[2]));
            own = MoveBlocks(own, sources.select(1, 0).to(device), t);
            other = MoveBlocks(other, sources.select(1, 1).to(device), t);
        }

        long block = side / parameters.GridSide;
        var mask = parameters.Masks.to(device).to_type(inputs.dtype).repeat_interleave(block, 1).repeat_interleave(block, 2).unsqueeze(1);
        var mixed = (own * mask) + (other * (torch.ones_like(mask) - mask));
        var targetType = inputs.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var targets = SoftTargets.Mixed(labels, partner, parameters.Lambda, NumClasses, Options.LabelSmoothing, targetType);
        return new MixedSamples<PuzzleMixParameters>(mixed.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope(), parameters, ownsParameters);
    }

    /// <summary>Moves the t × t blocks of <paramref name="images"/>: block j of the result is block sources[j] (zeros for −1).</summary>
    private static Tensor MoveBlocks(Tensor images, Tensor sources, long t)
    {
        long n = images.shape[0], c = images.shape[1], side = images.shape[2], b = side / t;
        var blocks = images.reshape(n, c, t, b, t, b).permute(0, 2, 4, 1, 3, 5).reshape(n, t * t, c, b, b);
        var padded = torch.cat(new[] { blocks, torch.zeros(new long[] { n, 1, c, b, b }, dtype: images.dtype, device: images.device) }, 1);
        using var none = (-1L).ToScalar();
        using var zeros = (t * t).ToScalar();
        var index = torch.where(sources.eq(none), torch.full_like(sources, zeros), sources);
        var moved = padded.gather(1, index.reshape(n, t * t, 1, 1, 1).expand(n, t * t, c, b, b));
        return moved.reshape(n, t, t, c, b, b).permute(0, 3, 1, 4, 2, 5).reshape(n, c, side, side);
    }

    private void CheckDraw(PuzzleMixParameters parameters, long n, long side)
    {
        var m = parameters.Masks;
        if (m.dim() != 3 || m.shape[0] != n || m.shape[1] != m.shape[2] || m.shape[1] < 1 || side % m.shape[1] != 0 || m.dtype != ScalarType.Float32)
        {
            throw new ArgumentException($"parameters.Masks must be float32 [{n}, g, g] with g dividing the image side {side}; got {Guard.Describe(m)}.", nameof(parameters));
        }

        Guard.MaskMatchesLambda(m, parameters.Lambda, nameof(parameters));

        if (parameters.Sources is { } s)
        {
            long t = (long)Math.Round(Math.Sqrt(s.dim() == 3 ? s.shape[2] : 0));
            if (s.dim() != 3 || s.shape[0] != n || s.shape[1] != 2 || t * t != s.shape[2] || t < 1 || side % t != 0 || s.dtype != ScalarType.Int64)
            {
                throw new ArgumentException($"parameters.Sources must be int64 [{n}, 2, T²] with T dividing the image side {side}; got {Guard.Describe(s)}.", nameof(parameters));
            }

            using var scope = torch.NewDisposeScope();
            long lo = s.min().item<long>(), hi = s.max().item<long>();
            if (lo < -1 || hi >= t * t)
            {
                throw new ArgumentOutOfRangeException(nameof(parameters), $"parameters.Sources must hold block indices in [−1, {t * t}); got values in [{lo}, {hi}].");
            }
        }
    }

    private static void CheckImages(Tensor images, string name)
    {
        Guard.BatchShape(images.shape, name, "images [N, C, S, S] for PuzzleMix", exactDims: 4);
        if (images.shape[2] != images.shape[3] || images.shape[2] < 2)
        {
            throw new ArgumentException($"{name} must be square images [N, C, S, S] for PuzzleMix's block grid; got {Guard.Shape(images.shape)}.", name);
        }

        if (!Guard.IsFloating(images.dtype))
        {
            throw new ArgumentException($"{name} must be floating for PuzzleMix (masks blend values); got {Guard.Describe(images)}.", name);
        }
    }

    private static void Positive(double value, string name, bool allowZero)
    {
        if (!(allowZero ? value >= 0 : value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, $"PuzzleMixOptions.{name} must be finite and {(allowZero ? "non-negative" : "positive")}; got {value}.");
        }
    }
}
