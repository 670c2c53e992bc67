using System;
using System.Linq;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// FMix (Harris et al., "FMix: Enhancing Mixed Sample Data Augmentation", arXiv:2002.12047): per sample, λ ~ Beta(α, α)
/// and a low-frequency mask: complex Gaussian noise in the Fourier domain scaled by 1/f^δ, inverse FFT, real part; the
/// round(λ·H·W) largest values become 1 (ties broken by position, first wins), the rest 0. The recorded λ is the mask's
/// realised mean. Output = M∘x_i + (1 − M)∘x_partner(i). Images [N, C, H, W] get 2-D masks, sequences [N, C, L] 1-D ones.
/// </summary>
/// <remarks>
/// Like the reference, one mask and λ serve the whole batch by default (<see cref="FMixOptions.Mode"/>);
/// <see cref="MixMode.PerSample"/> gives every sample its own. The reference rounds λ·H·W up or down at random; here
/// rounding is to the nearest (the recorded λ is exact either way). With <see cref="FMixOptions.MaxSoft"/> the values
/// ranked around the threshold ramp from 1 to 0, as the reference's soft masks.
/// </remarks>
public sealed class FMix : MaskMixer
{
    /// <summary>Creates FMix for <paramref name="numClasses"/> classes.</summary>
    public FMix(int numClasses, FMixOptions? options = null)
        : base(numClasses, (options ?? new FMixOptions()).LabelSmoothing, (options ?? new FMixOptions()).Probability, sequences: true)
    {
        Options = options ?? new FMixOptions();
        Guard.Alpha(Options.Alpha, "FMixOptions.Alpha");
        if (!(Options.DecayPower > 0) || double.IsInfinity(Options.DecayPower))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"FMixOptions.DecayPower must be positive; got {Options.DecayPower}.");
        }

        if (Options.Mode is not (MixMode.PerBatch or MixMode.PerSample))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"FMixOptions.Mode must be PerBatch or PerSample; got {Options.Mode}.");
        }

        if (!(Options.MaxSoft >= 0 && Options.MaxSoft <= 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"FMixOptions.MaxSoft must be in [0, 0.5]; got {Options.MaxSoft}.");
        }
    }

    /// <summary>The options in force.</summary>
    public FMixOptions Options { get; }

    /// <inheritdoc />
    public override MaskMixParameters Sample(Tensor inputs, Generator? generator = null)
    {
        Guard.NotNull(inputs, nameof(inputs));
        CheckInputs(inputs);
        long n = inputs.shape[0];
        var spatial = inputs.shape.Skip(2).ToArray();
        var (partner, mixed) = DrawPartners(n, generator);
        long masks = Options.Mode == MixMode.PerSample ? n : 1;
        double[] lambda = Draws.Beta(Options.Alpha, masks, generator);
        using var scope = torch.NewDisposeScope();
        var values = LowFrequencyNoise(masks, spatial, Options.DecayPower, generator);
        var binary = Binarize(values, lambda, Options.MaxSoft).reshape(new[] { masks }.Concat(spatial).ToArray());
        return Finish(binary.expand(new[] { n }.Concat(spatial).ToArray()), partner, mixed).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// [N, *spatial] real low-frequency images: complex Gaussian noise scaled by 1/max(f, 1/max side)^δ, inverse real FFT.
    /// </summary>
    public static Tensor LowFrequencyNoise(long n, long[] spatial, double decayPower, Generator? generator)
    {
        using var scope = torch.NewDisposeScope();
        // float32 throughout: float64 normal draws, sorts and FFTs cost several times more on the CPU, and the mask only
        // needs the ordering of the values.
        Tensor freqs;
        if (spatial.Length == 2)
        {
            var fy = torch.fft.fftfreq(spatial[0], dtype: ScalarType.Float32).unsqueeze(1);
            var fx = torch.fft.rfftfreq(spatial[1], dtype: ScalarType.Float32).unsqueeze(0);
            freqs = ((fy * fy) + (fx * fx)).sqrt();
        }
        else
        {
            freqs = torch.fft.rfftfreq(spatial[0], dtype: ScalarType.Float32).abs();
        }

        double floor = 1.0 / spatial.Max();
        var scale = freqs.clamp_min(floor).pow(-decayPower);
        var shape = new[] { n }.Concat(freqs.shape).Append(2).ToArray();
        var noise = torch.randn(shape, dtype: ScalarType.Float32, generator: generator);
        var spectrum = torch.complex(noise.select(-1, 0) * scale, noise.select(-1, 1) * scale);
        var image = spatial.Length == 2
            ? torch.fft.irfft2(spectrum, s: spatial, dim: new long[] { -2, -1 })
            : torch.fft.irfft(spectrum, n: spatial[0], dim: -1);
        return image.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Binary (or soft-edged) masks [N, K] from values [N, ...]: per row, the round(λ·K) largest values become 1; ties go to
    /// the earlier position (a stable descending sort). With <paramref name="maxSoft"/> the band of ±soft ranks around the
    /// threshold ramps linearly from 1 to 0.
    /// </summary>
    public static Tensor Binarize(Tensor values, double[] lambda, double maxSoft)
    {
        using var scope = torch.NewDisposeScope();
        long n = values.shape[0];
        var flat = values.reshape(n, -1);
        long k = flat.shape[1];
        var order = flat.sort(dim: 1, descending: true, stable: true).Indices;
        var rank = torch.empty_like(order).scatter_(1, order, torch.arange(k, dtype: ScalarType.Int64).unsqueeze(0).expand(n, k));
        var count = new long[n];
        var soft = new long[n];
        for (long i = 0; i < n; i++)
        {
            count[i] = (long)Math.Round(lambda[i] * k, MidpointRounding.AwayFromZero);
            double effective = Math.Min(maxSoft, Math.Min(lambda[i], 1 - lambda[i]));
            soft[i] = (long)Math.Floor(k * effective);
        }

        var c = torch.tensor(count, dtype: ScalarType.Int64).unsqueeze(1);
        var hard = (rank < c).to_type(ScalarType.Float32);
        if (maxSoft <= 0)
        {
            return hard.MoveToOuterDisposeScope();
        }

        // Ranks in [c − s, c + s) ramp from 1 to 0 in 2s steps (the reference's linspace(1, 0, 2s)).
        var s = torch.tensor(soft, dtype: ScalarType.Int64).unsqueeze(1);
        var low = c - s;
        var ramp = 1 - ((rank - low).to_type(ScalarType.Float32) / ((2 * s) - 1).clamp_min(1).to_type(ScalarType.Float32));
        var inBand = (rank >= low) & (rank < c + s) & (s > 0);
        return torch.where(inBand, ramp, hard).MoveToOuterDisposeScope();
    }
}
