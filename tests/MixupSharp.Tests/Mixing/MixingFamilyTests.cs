using System;
using System.Collections.Generic;
using System.Linq;
using MixupSharp.Mixing;
using MixupSharp.Pipelines;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Mixing;

/// <summary>FMix, ResizeMix, SaliencyMix, SmoothMix and GridMix: the checks every mixer passes, then each one's own.</summary>
public sealed class MixingFamilyTests
{
    private const int Classes = 5;

    public static IEnumerable<object[]> MaskMixers() => new[]
    {
        new object[] { "FMix", new Func<double, MaskMixer>(p => new FMix(Classes, new FMixOptions { Probability = p })) },
        new object[] { "FMix-soft", new Func<double, MaskMixer>(p => new FMix(Classes, new FMixOptions { Probability = p, MaxSoft = 0.2 })) },
        new object[] { "FMix-per-sample", new Func<double, MaskMixer>(p => new FMix(Classes, new FMixOptions { Probability = p, Mode = MixMode.PerSample })) },
        new object[] { "SaliencyMix", new Func<double, MaskMixer>(p => new SaliencyMix(Classes, new SaliencyMixOptions { Probability = p })) },
        new object[] { "SaliencyMix-per-sample", new Func<double, MaskMixer>(p => new SaliencyMix(Classes, new SaliencyMixOptions { Probability = p, Mode = MixMode.PerSample })) },
        new object[] { "SmoothMix", new Func<double, MaskMixer>(p => new SmoothMix(Classes, new SmoothMixOptions { Probability = p })) },
        new object[] { "SmoothMix-square", new Func<double, MaskMixer>(p => new SmoothMix(Classes, new SmoothMixOptions { Probability = p, Shape = SmoothMixShape.Square })) },
        new object[] { "GridMix", new Func<double, MaskMixer>(p => new GridMix(Classes, new GridMixOptions { Probability = p })) },
    };

    private static Tensor Labels(long n) => torch.arange(n, dtype: ScalarType.Int64) % Classes;

    [Theory]
    [MemberData(nameof(MaskMixers))]
    public void OutputIsTheMaskBlendAndLambdaIsTheMasksMean(string name, Func<double, MaskMixer> make)
    {
        using var scope = torch.NewDisposeScope();
        using var g = new Generator(3);
        var x = torch.rand(new long[] { 7, 3, 16, 20 }, generator: g);
        using var result = make(1.0).Apply(x, Labels(7), g);
        var p = result.Parameters;
        Assert.Equal(new long[] { 7, 1, 16, 20 }, p.Masks.shape);
        Assert.True((p.Masks >= 0).all().item<bool>() && (p.Masks <= 1).all().item<bool>(), name);
        T.Close(p.Masks.to_type(ScalarType.Float64).flatten(1).mean(new long[] { 1 }), p.Lambda, 1e-12);
        var partner = p.Partner;
        T.Close((x * p.Masks) + (x.index_select(0, partner) * (1 - p.Masks)), result.Inputs, 1e-6);

        // The target of sample i: λ_i on its own class, 1 − λ_i on its partner's (when they differ).
        var lambda = T.D(p.Lambda);
        var partners = T.L(partner);
        var targets = T.D(result.Targets);
        for (int i = 0; i < 7; i++)
        {
            int own = i % Classes, other = (int)(partners[i] % Classes);
            double expected = own == other ? 1.0 : lambda[i];
            Assert.True(Math.Abs(targets[(i * Classes) + own] - expected) < 1e-6, $"{name}: sample {i} own weight {targets[(i * Classes) + own]}, λ {lambda[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(MaskMixers))]
    public void ProbabilityZeroGivesTheBatchBackAndTheSameSeedTheSameBytes(string name, Func<double, MaskMixer> make)
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DistinctImages(5, 2, 12, 12);   // odd batch
        using (var none = make(0).Apply(x, Labels(5), new Generator(1)))
        {
            T.SameBytes(x, none.Inputs);
            Assert.Equal(Enumerable.Repeat(1.0, 5), T.D(none.Parameters.Lambda));
            T.SameBytes(SoftTargets.FromIndices(Labels(5), Classes), none.Targets);
        }

        using var a = make(1).Apply(x, Labels(5), new Generator(9));
        using var b = make(1).Apply(x, Labels(5), new Generator(9));
        T.SameBytes(a.Inputs, b.Inputs);
        T.SameBytes(a.Targets, b.Targets);
        using var replay = make(1).Apply(x, Labels(5), a.Parameters);
        T.SameBytes(a.Inputs, replay.Inputs);

        // Untouched samples (own partner) and kept values keep their exact bytes.
        var keep = a.Parameters.Masks == 1;
        Assert.True(a.Inputs.masked_select(keep.expand_as(x)).equal(x.masked_select(keep.expand_as(x))).all().item<bool>(), name);
        using var one = make(1).Apply(x.narrow(0, 0, 1), Labels(1), new Generator(2));   // a batch of one: nothing to mix with
        T.SameBytes(x.narrow(0, 0, 1), one.Inputs);
    }

    [Theory]
    [MemberData(nameof(MaskMixers))]
    public void ParametersSurviveJsonAndReplayThroughAPipeline(string name, Func<double, MaskMixer> make)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.rand(new long[] { 4, 1, 8, 8 }, generator: new Generator(4));
        var pipeline = new AugmentationPipeline(Classes, PipelineStep.Of(make(1)));
        using var first = pipeline.Apply(x, Labels(4), new Generator(5));
        using var parsed = PipelineParameters.FromJson(first.Parameters.ToJson());
        using var replayed = pipeline.Apply(x, Labels(4), parsed);
        T.SameBytes(first.Inputs, replayed.Inputs);
        T.SameBytes(first.Targets, replayed.Targets);
        Assert.Equal(name.Split('-')[0], Assert.Single(parsed.Steps).Step);
    }

    [Fact]
    public void BadInputIsAnArgumentExceptionNamingWhatCame()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Contains("images [N, C, H, W] for GridMix; got [3, 8, 8]", Assert.ThrowsAny<ArgumentException>(() => new GridMix(3).Apply(torch.rand(3, 8, 8), Labels(3))).Message);
        Assert.Contains("images [N, C, H, W] or sequences [N, C, L] for FMix; got [2, 8]", Assert.ThrowsAny<ArgumentException>(() => new FMix(3).Apply(torch.rand(2, 8), torch.zeros(2, dtype: ScalarType.Int64))).Message);
        Assert.Contains("floating", Assert.ThrowsAny<ArgumentException>(() => new SmoothMix(3).Apply(torch.zeros(new long[] { 2, 1, 4, 4 }, dtype: ScalarType.Byte), torch.zeros(2, dtype: ScalarType.Int64))).Message);
        Assert.Contains("FMixOptions.Alpha", Assert.ThrowsAny<ArgumentException>(() => new FMix(3, new FMixOptions { Alpha = -1 })).Message);
        Assert.Contains("SaliencyMixOptions.Alpha", Assert.ThrowsAny<ArgumentException>(() => new SaliencyMix(3, new SaliencyMixOptions { Alpha = -0.5 })).Message);
        Assert.Contains("ResizeMixOptions.ScaleRange", Assert.ThrowsAny<ArgumentException>(() => new ResizeMix(3, new ResizeMixOptions { ScaleRange = (0.2, 1.5) })).Message);
        Assert.Contains("ResizeMixOptions.ScaleRange", Assert.ThrowsAny<ArgumentException>(() => new ResizeMix(3, new ResizeMixOptions { ScaleRange = (0, 0.5) })).Message);
        Assert.Contains("GridMixOptions.GridSizes", Assert.ThrowsAny<ArgumentException>(() => new GridMix(3, new GridMixOptions { GridSizes = (0, 4) })).Message);
        Assert.Contains("FMixOptions.MaxSoft", Assert.ThrowsAny<ArgumentException>(() => new FMix(3, new FMixOptions { MaxSoft = 0.7 })).Message);
        Assert.Contains("SmoothMixOptions.SigmaRange", Assert.ThrowsAny<ArgumentException>(() => new SmoothMix(3, new SmoothMixOptions { SigmaRange = (0, 1) })).Message);
        using var p = new GridMix(3).Sample(torch.rand(new long[] { 4, 1, 8, 8 }), new Generator(1));
        Assert.Contains("parameters.Masks must be floating [2, 1, 8, 8]", Assert.ThrowsAny<ArgumentException>(() => new GridMix(3).Apply(torch.rand(new long[] { 2, 1, 8, 8 }), Labels(2), new MaskMixParameters(p.Masks.narrow(0, 0, 2).narrow(2, 0, 4).narrow(3, 0, 4).clone(), torch.tensor(new long[] { 1, 0 }), torch.ones(2, dtype: ScalarType.Float64)))).Message);
    }

    [Fact]
    public void FMixMasksHoldExactlyTheRoundedShareAndLambdaFollowsBeta()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.zeros(new long[] { 2000, 1, 16, 16 });
        using var p = new FMix(Classes, new FMixOptions { Alpha = 0.7, Mode = MixMode.PerSample }).Sample(x, new Generator(21));
        var masks = T.D(p.Masks.flatten(1).sum(new long[] { 1 }));
        Assert.All(masks, count => Assert.Equal(Math.Round(count), count, 9));   // binary: whole pixels
        Assert.True(((p.Masks == 0) | (p.Masks == 1)).all().item<bool>());

        // The recorded λ is within half a pixel of the Beta(α, α) draw: a KS test on 2,000 of them.
        var mixed = T.D(p.Lambda).Where((_, i) => T.L(p.Partner)[i] != i).ToArray();
        double ks = Stats.KolmogorovSmirnov(mixed, v => Stats.BetaCdf(v, 0.7, 0.7));
        Assert.True(ks < Stats.KsCritical001(mixed.Length) + (0.5 / 256), $"KS {ks:F4} over {mixed.Length} draws");
    }

    /// <summary>The slope of log power against log frequency of the rows of [N, H, W] images (radially, f &gt; 0).</summary>
    private static double SpectralSlope(Tensor images)
    {
        long h = images.shape[1], w = images.shape[2];
        var power = torch.fft.rfft2(images.to_type(ScalarType.Float64)).abs().pow(2).mean(new long[] { 0 });
        var fy = torch.fft.fftfreq(h, dtype: ScalarType.Float64).unsqueeze(1);
        var fx = torch.fft.rfftfreq(w, dtype: ScalarType.Float64).unsqueeze(0);
        var f = ((fy * fy) + (fx * fx)).sqrt();
        var keep = f > (2.0 / Math.Max(h, w));   // above the spectrum's floor at 1/side
        var lf = f.masked_select(keep).log();
        var lp = power.masked_select(keep).log();
        var mf = lf.mean();
        return ((lf - mf) * (lp - lp.mean())).sum().item<double>() / ((lf - mf).pow(2).sum().item<double>());
    }

    [Fact]
    public void FMixMasksAreLowFrequencyAndSteeperForLargerDecayPower()
    {
        using var scope = torch.NewDisposeScope();
        double one = SpectralSlope(FMix.LowFrequencyNoise(256, new long[] { 32, 32 }, 1, new Generator(1)));
        double three = SpectralSlope(FMix.LowFrequencyNoise(256, new long[] { 32, 32 }, 3, new Generator(1)));
        Assert.InRange(one, -2.3, -1.7);     // power ∝ f^(−2δ)
        Assert.InRange(three, -6.3, -5.7);

        // The binary masks keep the ordering: δ = 3 puts a larger share of the mask's power at low frequencies.
        double LowShare(double decay)
        {
            using var p = new FMix(Classes, new FMixOptions { DecayPower = decay, Mode = MixMode.PerSample }).Sample(torch.zeros(new long[] { 256, 1, 32, 32 }), new Generator(2));
            var m = p.Masks.squeeze(1).to_type(ScalarType.Float64);
            var power = torch.fft.rfft2(m - m.mean(new long[] { 1, 2 }, keepdim: true)).abs().pow(2);
            var fy = torch.fft.fftfreq(32, dtype: ScalarType.Float64).abs().unsqueeze(1);
            var fx = torch.fft.rfftfreq(32, dtype: ScalarType.Float64).unsqueeze(0);
            var low = ((fy <= 0.125) & (fx <= 0.125)).to_type(ScalarType.Float64);
            return (power * low).sum().item<double>() / power.sum().item<double>();
        }

        Assert.True(LowShare(3) > LowShare(1) + 0.1, $"low-frequency share δ=3 {LowShare(3):F3}, δ=1 {LowShare(1):F3}");
    }

    [Fact]
    public void FMixMixesSequencesWithOneDimensionalMasksAndSoftEdgesKeepTheMean()
    {
        using var scope = torch.NewDisposeScope();
        var sequences = torch.rand(new long[] { 6, 2, 50 }, generator: new Generator(3));
        using var mixed = new FMix(Classes).Apply(sequences, Labels(6), new Generator(4));
        Assert.Equal(new long[] { 6, 1, 50 }, mixed.Parameters.Masks.shape);
        T.Close((sequences * mixed.Parameters.Masks) + (sequences.index_select(0, mixed.Parameters.Partner) * (1 - mixed.Parameters.Masks)), mixed.Inputs);

        using var soft = new FMix(Classes, new FMixOptions { MaxSoft = 0.25, Mode = MixMode.PerSample }).Sample(torch.zeros(new long[] { 50, 1, 16, 16 }), new Generator(5));
        var between = ((soft.Masks > 0) & (soft.Masks < 1)).to_type(ScalarType.Float64).mean().item<double>();
        Assert.True(between > 0.05, $"only {between:P1} of the values are soft");
        using var hard = new FMix(Classes, new FMixOptions { Mode = MixMode.PerSample }).Sample(torch.zeros(new long[] { 50, 1, 16, 16 }), new Generator(5));
        T.Close(hard.Lambda, soft.Lambda, 1.0 / 256);   // the soft band straddles the threshold symmetrically
    }

    [Fact]
    public void ResizeMixPastesThePartnerResizedByTheRecordedScale()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DistinctImages(6, 3, 20, 24);
        var mixer = new ResizeMix(Classes);
        using var result = mixer.Apply(x, Labels(6), new Generator(8));
        var p = result.Parameters;
        Assert.InRange(p.Scale, 0.1, 0.8);
        var (bh, bw) = ResizeMix.PasteSize(p.Scale, 20, 24);
        var resized = nn.functional.interpolate(x.index_select(0, p.Partner), size: new[] { bh, bw }, mode: InterpolationMode.Nearest);
        var boxes = T.L(p.Boxes);
        var partners = T.L(p.Partner);
        var lambda = T.D(p.Lambda);
        for (int i = 0; i < 6; i++)
        {
            if (partners[i] == i)
            {
                T.SameBytes(x[i], result.Inputs[i]);
                Assert.Equal(1.0, lambda[i]);
                continue;
            }

            long top = boxes[4 * i], left = boxes[(4 * i) + 1];
            Assert.Equal((top + bh, left + bw), (boxes[(4 * i) + 2], boxes[(4 * i) + 3]));
            Assert.InRange(top, 0, 20 - bh);
            Assert.InRange(left, 0, 24 - bw);
            T.SameBytes(resized[i], result.Inputs[i, .., (int)top..(int)(top + bh), (int)left..(int)(left + bw)]);
            Assert.Equal(1 - ((double)(bh * bw) / (20 * 24)), lambda[i], 12);

            // Outside the box the sample keeps its bytes.
            var outside = torch.ones(new long[] { 20, 24 }, dtype: ScalarType.Bool);
            outside[(int)top..(int)(top + bh), (int)left..(int)(left + bw)] = torch.tensor(false);
            Assert.True(result.Inputs[i].masked_select(outside.expand(3, 20, 24)).equal(x[i].masked_select(outside.expand(3, 20, 24))).all().item<bool>());
        }

        using var replay = mixer.Apply(x, Labels(6), p);
        T.SameBytes(result.Inputs, replay.Inputs);
        using var none = new ResizeMix(Classes, new ResizeMixOptions { Probability = 0 }).Apply(x, Labels(6), new Generator(8));
        T.SameBytes(x, none.Inputs);
    }

    [Fact]
    public void SaliencyMixCentresTheBoxOnThePartnersBrightBlob()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.full(new long[] { 2, 3, 32, 32 }, 0.2f);
        x[0, .., 20..23, 6..9] = torch.tensor(1f);      // a bright 3×3 blob centred at (21, 7)
        x[1, .., 4..7, 24..27] = torch.tensor(1f);      // and one at (5, 25)
        var blob = new[] { (21L, 7L), (5L, 25L) };
        var saliency = SpectralResidualSaliency.Map(x, 1.0 / 16);
        var (rows, columns) = SpectralResidualSaliency.Peaks(saliency);
        for (int i = 0; i < 2; i++)
        {
            Assert.InRange(rows[i], blob[i].Item1 - 1, blob[i].Item1 + 1);
            Assert.InRange(columns[i], blob[i].Item2 - 1, blob[i].Item2 + 1);
        }

        for (ulong seed = 1; seed <= 20; seed++)
        {
            using var p = new SaliencyMix(Classes, new SaliencyMixOptions { Mode = MixMode.PerSample }).Sample(x, new Generator(seed));
            var partners = T.L(p.Partner);
            var boxes = T.L(p.Boxes!);
            var lambda = T.D(p.Lambda);
            for (int i = 0; i < 2; i++)
            {
                if (partners[i] == i)
                {
                    continue;
                }

                var (by, bx) = blob[partners[i]];
                long top = boxes[4 * i], left = boxes[(4 * i) + 1], bottom = boxes[(4 * i) + 2], right = boxes[(4 * i) + 3];
                if (bottom > top && right > left)
                {
                    Assert.InRange(by, top, bottom - 1);   // the box holds the blob
                    Assert.InRange(bx, left, right - 1);
                }

                Assert.Equal(1 - ((double)((bottom - top) * (right - left)) / (32 * 32)), lambda[i], 12);   // corrected by the clipped area
            }
        }
    }

    [Fact]
    public void PerBatchDrawsShareOneMaskOrBoxAsTheReferenceCodes()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.rand(new long[] { 9, 1, 16, 16 }, generator: new Generator(1));
        using var fmix = new FMix(Classes).Sample(x, new Generator(2));
        using var saliency = new SaliencyMix(Classes).Sample(x, new Generator(3));
        foreach (var p in new[] { fmix, saliency })
        {
            var mixed = Enumerable.Range(0, 9).Where(i => T.L(p.Partner)[i] != i).ToArray();
            Assert.True(mixed.Length > 1);
            Assert.All(mixed, i => T.SameBytes(p.Masks[mixed[0]], p.Masks[i]));
        }
    }

    [Fact]
    public void SmoothMixIsThePartnerAtTheCentreFadingOutwards()
    {
        using var scope = torch.NewDisposeScope();
        using var p = new SmoothMix(Classes).Sample(torch.zeros(new long[] { 40, 1, 24, 24 }), new Generator(6));
        var masks = p.Masks.squeeze(1);
        var partners = T.L(p.Partner);
        for (int i = 0; i < 40; i++)
        {
            if (partners[i] == i)
            {
                continue;
            }

            // Own weight 0 exactly at the centre (the mask's minimum), rising monotonically away from it along the row.
            var flat = masks[i].flatten();
            long at = flat.argmin().item<long>();
            Assert.Equal(0.0, flat[at].item<float>(), 6);
            var row = T.D(masks[i][at / 24]);
            for (long c = at % 24; c + 1 < 24; c++)
            {
                Assert.True(row[c + 1] >= row[c] - 1e-7, $"sample {i}: not rising to the right of the centre");
            }
        }
    }

    [Fact]
    public void GridMixIsConstantOnCellsAndKeepsAboutOneMinusPOfTheImage()
    {
        using var scope = torch.NewDisposeScope();
        using var exact = new GridMix(Classes, new GridMixOptions { GridSizes = (3, 3) }).Sample(torch.zeros(new long[] { 8, 1, 12, 12 }), new Generator(7));
        var cells = exact.Masks.squeeze(1).reshape(8, 3, 4, 3, 4);
        Assert.True((cells.amax(new long[] { 2, 4 }) == cells.amin(new long[] { 2, 4 })).all().item<bool>(), "a 4×4 cell holds both kept and taken pixels");
        Assert.True(((exact.Masks == 0) | (exact.Masks == 1)).all().item<bool>());

        // Statistical: over 4,000 samples the kept fraction averages 1 − p (p = 0.3) within 4 standard errors. Every
        // sample counts: one that drew no partner cell keeps λ = 1 and is its own partner (IMixDraw), and only the
        // permutation's fixed points (about one) are unmixed otherwise.
        using var many = new GridMix(Classes, new GridMixOptions { CellProbability = 0.3 }).Sample(torch.zeros(new long[] { 4000, 1, 24, 24 }), new Generator(8));
        var kept = T.D(many.Lambda);
        Assert.All(kept.Where((_, i) => T.L(many.Partner)[i] == i), l => Assert.Equal(1.0, l));
        double mean = kept.Average(), sd = Math.Sqrt(kept.Select(k => (k - mean) * (k - mean)).Sum() / (kept.Length - 1));
        Assert.InRange(mean, 0.7 - (4 * sd / Math.Sqrt(kept.Length)), 0.7 + (4 * sd / Math.Sqrt(kept.Length)));
    }
}
