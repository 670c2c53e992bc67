using System;
using System.Linq;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Policies;

/// <summary>
/// AugMix (Hendrycks, Mu, Cubuk, Zoph, Gilmer and Lakshminarayanan, "AugMix: A Simple Data Processing Method to
/// Improve Robustness and Uncertainty", ICLR 2020): <c>Width</c> chains of 1–3 operations from
/// <see cref="AugmentationSpace.AugMix"/> at magnitudes of the first <c>Severity</c> bins, mixed with
/// Dirichlet(α, …, α) weights, and the mixture blended with the original by m ~ Beta(α, α):
/// m·x + (1 − m)·Σᵢ wᵢ·chainᵢ(x). torchvision 0.14's <c>AugMix</c>, with every sample drawing its own chains (torchvision
/// draws one set of chains per call). Pair with <see cref="Losses.JensenShannonConsistency"/> for the paper's training.
/// </summary>
/// <remarks>Data convention: floating images [N, C, H, W], C = 1 or 3, in [0, 1] before normalization; the result stays in [0, 1].</remarks>
public sealed class AugMix : InputAugmentation<AugMixParameters>
{
    private const int MaxDepth = 3;

    /// <summary>Creates AugMix.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public AugMix(AugMixOptions? options = null)
    {
        Options = options ?? new AugMixOptions();
        if (Options.Severity < 1 || Options.Severity > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"AugMixOptions.Severity must be 1–10; got {Options.Severity}.");
        }

        if (Options.Width < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"AugMixOptions.Width must be ≥ 1; got {Options.Width}.");
        }

        if (Options.Depth == 0 || Options.Depth < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"AugMixOptions.Depth must be ≥ 1, or −1 for a depth drawn from 1–3; got {Options.Depth}.");
        }

        if (!(Options.Alpha > 0) || double.IsInfinity(Options.Alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"AugMixOptions.Alpha must be finite and > 0; got {Options.Alpha}.");
        }

        Guard.Enum(Options.Interpolation, "AugMixOptions.Interpolation");
    }

    /// <summary>The options in force.</summary>
    public AugMixOptions Options { get; }

    /// <inheritdoc />
    public override AugMixParameters Sample(long[] inputShape, Generator? generator = null)
    {
        ImageOps.CheckShape(inputShape, nameof(inputShape), nameof(AugMix));

        long n = inputShape[0];
        int width = Options.Width, depth = Options.Depth > 0 ? Options.Depth : MaxDepth;
        var space = AugmentationSpace.AugMix(inputShape[2], inputShape[3], Options.AllOps);

        // m ~ Beta(α, α) as Dirichlet(α, α) (as torchvision), then the chain weights Dirichlet(α, …, α)·(1 − m).
        double[] skip = Draws.Dirichlet(Options.Alpha, n, 2, generator);
        double[] chain = Draws.Dirichlet(Options.Alpha, n, width, generator);
        double[] u = Draws.Uniform(n * width * (1 + (3 * depth)), generator);
        var original = new double[n];
        var weights = new double[n * width];
        var ops = new long[n * width * depth];
        var magnitudes = new double[n * width * depth];
        long draw = 0;
        for (long i = 0; i < n; i++)
        {
            original[i] = skip[2 * i];
            for (int c = 0; c < width; c++)
            {
                weights[(i * width) + c] = chain[(i * width) + c] * skip[(2 * i) + 1];
                int length = Options.Depth > 0 ? Options.Depth : 1 + Draws.Index(u[draw++], MaxDepth);
                for (int s = 0; s < depth; s++)
                {
                    long k = (((i * width) + c) * depth) + s;
                    double uOp = u[draw++], uBin = u[draw++], uSign = u[draw++];
                    if (s >= length)
                    {
                        ops[k] = (long)PolicyOp.Identity;
                        continue;
                    }

                    var range = space.Ops[Draws.Index(uOp, space.Ops.Count)];
                    double m = range.At(Draws.Index(uBin, Options.Severity));
                    ops[k] = (long)range.Op;
                    magnitudes[k] = range.Signed && uSign < 0.5 ? -m : m;
                }
            }
        }

        return new AugMixParameters(
            torch.tensor(original, dtype: ScalarType.Float64),
            torch.tensor(weights, new[] { n, (long)width }, dtype: ScalarType.Float64),
            torch.tensor(ops, new[] { n, (long)width, depth }, dtype: ScalarType.Int64),
            torch.tensor(magnitudes, new[] { n, (long)width, depth }, dtype: ScalarType.Float64));
    }

    /// <inheritdoc />
    public override Tensor Transform(Tensor inputs, AugMixParameters parameters)
    {
        Guard.NotNull(parameters, nameof(parameters));
        CheckInputs(inputs);
        long n = inputs.shape[0];
        var (ops, magnitudes) = PolicyChain.Read(parameters.Ops, parameters.Magnitudes, n, nameof(parameters));
        int width = (int)parameters.Ops.shape[1], depth = (int)parameters.Ops.shape[2];
        using var scope = torch.NewDisposeScope();

        // All chains at once: the batch repeated per chain ([N·width, ...], sample-major, the draw's own row-major
        // [N, width, depth] order), so each chain step groups N·width samples and costs one call per operation present.
        var chains = PolicyChain.Apply(inputs.repeat_interleave(width, 0), ops, magnitudes, depth, Options.Interpolation);
        var shape = new[] { n, (long)width }.Concat(inputs.shape.Skip(1)).ToArray();
        var weights = parameters.ChainWeights.to_type(inputs.dtype).to(inputs.device).reshape(n, width, 1, 1, 1);
        var mix = (parameters.OriginalWeights.to_type(inputs.dtype).to(inputs.device).reshape(n, 1, 1, 1) * inputs)
            + (weights * chains.reshape(shape)).sum(1);
        return mix.MoveToOuterDisposeScope();
    }

    private protected override void CheckInputs(Tensor inputs) => ImageOps.CheckImages(inputs, nameof(inputs), nameof(AugMix));
}
