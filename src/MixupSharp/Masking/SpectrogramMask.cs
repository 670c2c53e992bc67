using System;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Masking;

/// <summary>Options of <see cref="SpectrogramMask"/>. Immutable; validated at construction.</summary>
public sealed record SpectrogramMaskOptions
{
    /// <summary>The number of frequency masks per spectrogram. Default 2 (SpecAugment's LD policy).</summary>
    public int FrequencyMasks { get; init; } = 2;

    /// <summary>The largest frequency-mask width F; each width is uniform in [0, F]. Default 27.</summary>
    public int MaxFrequencyWidth { get; init; } = 27;

    /// <summary>The number of time masks per spectrogram. Default 2.</summary>
    public int TimeMasks { get; init; } = 2;

    /// <summary>The largest time-mask width T; each width is uniform in [0, min(T, p·τ)]. Default 100.</summary>
    public int MaxTimeWidth { get; init; } = 100;

    /// <summary>The upper bound p on a time mask as a fraction of the length τ. Default 1.0.</summary>
    public double MaxTimeFraction { get; init; } = 1.0;

    /// <summary>The probability that a spectrogram is masked. Default 1.0.</summary>
    public double Probability { get; init; } = 1.0;

    /// <summary>The fill (SpecAugment fills with the mean, which is 0 for normalized features). Default 0.</summary>
    public double FillValue { get; init; }
}

/// <summary>
/// SpecAugment-style frequency and time masking (Park et al., "SpecAugment", Interspeech 2019, arXiv:1904.08779) for
/// spectrograms [N, C, F, T] (dimension 2 is frequency, 3 is time): f ~ U{0..F} consecutive bins starting at
/// f0 ~ U{0..ν − f}, and likewise along time.
/// </summary>
public sealed class SpectrogramMask : BatchMasker
{
    /// <summary>Creates a spectrogram mask.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public SpectrogramMask(SpectrogramMaskOptions? options = null)
        : base(nameof(SpectrogramMask), (options ??= new SpectrogramMaskOptions()).Probability, MaskFill.Constant, options.FillValue)
    {
        Options = options;
        if (Options.FrequencyMasks < 0 || Options.TimeMasks < 0 || Options.FrequencyMasks + Options.TimeMasks == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"SpectrogramMaskOptions.FrequencyMasks and SpectrogramMaskOptions.TimeMasks must be ≥ 0 and not both 0; got {Options.FrequencyMasks} and {Options.TimeMasks}.");
        }

        if (Options.MaxFrequencyWidth < 0 || Options.MaxTimeWidth < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"SpectrogramMaskOptions widths must be ≥ 0; got F = {Options.MaxFrequencyWidth}, T = {Options.MaxTimeWidth}.");
        }

        Guard.Probability(Options.MaxTimeFraction, "SpectrogramMaskOptions.MaxTimeFraction");
    }

    /// <summary>The options in force.</summary>
    public SpectrogramMaskOptions Options { get; }

    private protected override void CheckShape(long[] shape, string name) =>
        Guard.BatchShape(shape, name, "spectrograms [N, C, F, T] for SpectrogramMask", exactDims: 4);

    private protected override (Tensor Keep, Tensor? Regions) DrawKeep(long n, long c, long h, long w, Generator? generator)
    {
        // Frequency stripes are rows [f0, f0 + f) across all time; time stripes are columns across all frequencies.
        long maxF = Math.Min(Options.MaxFrequencyWidth, h);
        long maxT = Math.Min(Options.MaxTimeWidth, (long)Math.Floor(Options.MaxTimeFraction * w));
        var (fStart, fWidth) = Stripes(n, Options.FrequencyMasks, maxF, h, generator);
        var (tStart, tWidth) = Stripes(n, Options.TimeMasks, maxT, w, generator);
        var zerosF = torch.zeros(new[] { n, (long)Options.FrequencyMasks }, dtype: ScalarType.Int64);
        var fullF = torch.full(new[] { n, (long)Options.FrequencyMasks }, w, dtype: ScalarType.Int64);
        var zerosT = torch.zeros(new[] { n, (long)Options.TimeMasks }, dtype: ScalarType.Int64);
        var fullT = torch.full(new[] { n, (long)Options.TimeMasks }, h, dtype: ScalarType.Int64);
        var frequencyBoxes = torch.stack(new[] { fStart, zerosF, fStart + fWidth, fullF }, 2);
        var timeBoxes = torch.stack(new[] { zerosT, tStart, fullT, tStart + tWidth }, 2);
        var boxes = torch.cat(new[] { frequencyBoxes, timeBoxes }, 1);

        // Empty stripes are recorded as (0,0,0,0).
        var nonEmpty = ((boxes.select(2, 2) > boxes.select(2, 0)) & (boxes.select(2, 3) > boxes.select(2, 1))).unsqueeze(2).to_type(ScalarType.Int64);
        boxes = boxes * nonEmpty;
        return (Regions.Inside(boxes, h, w).logical_not(), boxes);
    }

    private static (Tensor Start, Tensor Width) Stripes(long n, int count, long maxWidth, long length, Generator? generator)
    {
        var width = Regions.UniformIntegers(torch.rand(new[] { n, (long)count }, dtype: ScalarType.Float64, generator: generator), torch.tensor(maxWidth + 1));
        var start = Regions.UniformIntegers(torch.rand(new[] { n, (long)count }, dtype: ScalarType.Float64, generator: generator), length - width + 1);
        return (start, width);
    }
}
