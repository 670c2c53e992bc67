using System;
using System.Linq;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// A mixer whose draw is a per-sample mask M of the weight of a sample's own values: M∘x_i + (1 − M)∘x_partner(i),
/// with targets mixed by λ = mean(M). Values where M is exactly 1 (or 0) keep the exact bytes of the sample (or its
/// partner); a sample not mixed (probability gate, or its own partner) has M = 1 and keeps its bytes.
/// </summary>
public abstract class MaskMixer : SampleMixer<MaskMixParameters>
{
    /// <summary>Creates the mixer.</summary>
    protected MaskMixer(int numClasses, double labelSmoothing, double probability, bool sequences)
        : base(numClasses, labelSmoothing)
    {
        Guard.Probability(probability, nameof(probability));
        Probability = probability;
        AcceptsSequences = sequences;
    }

    /// <summary>The probability that a sample is mixed at all.</summary>
    public double Probability { get; }

    /// <summary>Whether [N, C, L] sequences are accepted besides [N, C, H, W] images.</summary>
    public bool AcceptsSequences { get; }

    /// <inheritdoc />
    protected override void CheckInputs(Tensor inputs)
    {
        string what = AcceptsSequences ? $"images [N, C, H, W] or sequences [N, C, L] for {GetType().Name}" : $"images [N, C, H, W] for {GetType().Name}";
        if (inputs.shape.Length != 4 && !(AcceptsSequences && inputs.shape.Length == 3))
        {
            throw new ArgumentException($"inputs must be {what}; got {Guard.Shape(inputs.shape)}.", nameof(inputs));
        }

        Guard.BatchShape(inputs.shape, nameof(inputs), what);
        if (!Guard.IsFloating(inputs.dtype))
        {
            throw new ArgumentException($"inputs must be floating for {GetType().Name} (masks blend values); got {Guard.Describe(inputs)}.", nameof(inputs));
        }
    }

    /// <inheritdoc />
    protected override void CheckParameters(MaskMixParameters parameters, Tensor inputs)
    {
        var expected = new[] { inputs.shape[0], 1L }.Concat(inputs.shape.Skip(2)).ToArray();
        if (!parameters.Masks.shape.SequenceEqual(expected) || !Guard.IsFloating(parameters.Masks.dtype))
        {
            throw new ArgumentException($"parameters.Masks must be floating {Guard.Shape(expected)} for inputs {Guard.Shape(inputs.shape)}; got {Guard.Describe(parameters.Masks)}.", nameof(parameters));
        }

        Guard.MaskMatchesLambda(parameters.Masks, parameters.Lambda, nameof(parameters));
    }

    /// <inheritdoc />
    protected override Tensor MixInputs(Tensor inputs, Tensor partner, MaskMixParameters parameters)
    {
        var m = parameters.Masks.to(inputs.device).to_type(inputs.dtype);
        return (inputs * m) + (inputs.index_select(0, partner) * (1 - m));
    }

    /// <summary>
    /// The common start of a draw: a random permutation of partners, then one uniform per sample for the probability
    /// gate. <c>Mixed[i]</c> is false for samples the gate skips and for a sample that is its own partner.
    /// </summary>
    private protected (long[] Partner, bool[] Mixed) DrawPartners(long n, Generator? generator)
    {
        long[] partner = Draws.Permutation(n, generator);
        double[] gate = Draws.Uniform(n, generator);
        var mixed = new bool[n];
        for (long i = 0; i < n; i++)
        {
            mixed[i] = gate[i] < Probability && partner[i] != i;
            if (!mixed[i])
            {
                partner[i] = i;
            }
        }

        return (partner, mixed);
    }

    /// <summary>
    /// Parameters from per-sample masks [N, *spatial] (float, own weight): samples not mixed get a mask of ones; λ is the
    /// realised mean of each mask.
    /// </summary>
    private protected static MaskMixParameters Finish(Tensor masks, long[] partner, bool[] mixed, Tensor? boxes = null)
    {
        using var scope = torch.NewDisposeScope();
        long n = partner.Length;
        var keep = torch.tensor(mixed, dtype: ScalarType.Bool).reshape(new[] { n }.Concat(Enumerable.Repeat(1L, (int)masks.dim() - 1)).ToArray());
        var m = torch.where(keep, masks.to_type(ScalarType.Float32), torch.ones_like(masks, dtype: ScalarType.Float32)).unsqueeze(1).contiguous();
        var lambda = m.to_type(ScalarType.Float64).flatten(1).mean(new long[] { 1 });

        // A sample whose mask keeps all its own pixels (λ = 1, e.g. α = 0) is not mixed: it is its own partner (IMixDraw).
        double[] own = lambda.data<double>().ToArray();
        for (long i = 0; i < n; i++)
        {
            if (own[i] == 1.0)
            {
                partner[i] = i;
            }
        }

        var result = new MaskMixParameters(m.MoveToOuterDisposeScope(), torch.tensor(partner, dtype: ScalarType.Int64).MoveToOuterDisposeScope(), lambda.MoveToOuterDisposeScope(), boxes?.MoveToOuterDisposeScope());
        return result;
    }
}
