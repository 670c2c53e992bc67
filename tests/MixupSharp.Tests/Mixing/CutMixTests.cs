using System;
using System.Linq;
using MixupSharp.Mixing;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Mixing;

public sealed class CutMixTests
{
    [Theory]
    // λ = 0.75: r = 0.5, cut 4x4 on 8x8, centre (4,4): rows 2..6, cols 2..6.
    [InlineData(0.75, 4, 4, 8, 8, 2, 2, 6, 6)]
    // Centre at the corner (0,0): clipped to rows 0..2, cols 0..2 (area 4, not 16).
    [InlineData(0.75, 0, 0, 8, 8, 0, 0, 2, 2)]
    // λ = 0: r = 1, full-size cut 8x8 at (7,1): rows 3..8 (clipped 11 -> 8), cols 0..5.
    [InlineData(0.0, 7, 1, 8, 8, 3, 0, 8, 5)]
    // Odd cut: λ = 0.5 on 10x6: cut_h = floor(10·0.7071) = 7, cut_w = floor(6·0.7071) = 4; half-sides 3 and 2.
    [InlineData(0.5, 5, 3, 10, 6, 2, 1, 8, 5)]
    // λ = 1: no cut at all.
    [InlineData(1.0, 3, 3, 8, 8, 3, 3, 3, 3)]
    public void BoxArithmeticMatchesTimmRandBbox(double lam, long cy, long cx, long h, long w, long top, long left, long bottom, long right)
    {
        var box = CutMixBox.FromLambda(lam, cy, cx, h, w);
        Assert.Equal(new CutMixBox(top, left, bottom, right), box);
        Assert.Equal(1.0 - ((double)(bottom - top) * (right - left) / (h * w)), box.LambdaFor(h, w), 12);
    }

    [Fact]
    public void GoldenPasteForAGivenBox()
    {
        // Two 1x3x3 images of 1s and 2s; sample 0 gets rows 0..2, cols 1..3 from sample 1.
        using var x = torch.cat(new[] { torch.ones(1, 1, 3, 3), torch.full(new long[] { 1, 1, 3, 3 }, 2f) });
        using var y = torch.tensor(new long[] { 0, 1 });
        using var p = new MixParameters(
            torch.tensor(new[] { 1 - (4.0 / 9), 1.0 }, dtype: ScalarType.Float64),
            torch.tensor(new long[] { 1, 0 }),
            torch.tensor(new long[] { 0, 1, 2, 3, 0, 0, 0, 0 }, new long[] { 2, 4 }));
        using var mixed = new CutMix(2).Apply(x, y, p);
        Assert.Equal(new float[] { 1, 2, 2, 1, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2 }, T.F(mixed.Inputs));
        T.Close(torch.tensor(new float[] { 5f / 9, 4f / 9, 0, 1 }).reshape(2, 2), mixed.Targets, 1e-6);
    }

    [Theory]
    [InlineData(MixMode.PerBatch)]
    [InlineData(MixMode.PerPair)]
    [InlineData(MixMode.PerSample)]
    public void PixelsInsideTheBoxComeFromThePartnerAndLambdaIsTheUncutArea(MixMode mode)
    {
        using var g = new Generator(31);
        const long n = 9, c = 2, h = 11, w = 13;
        using var x = T.DistinctImages(n, c, h, w);
        using var y = torch.arange(n, dtype: ScalarType.Int64) % 3;
        var cutmix = new CutMix(3, new CutMixOptions { Mode = mode });
        for (int round = 0; round < 20; round++)
        {
            using var mixed = cutmix.Apply(x, y, g);
            var boxes = T.L(mixed.Parameters.Boxes!);
            var partner = mixed.Parameters.PartnerValues();
            var lam = mixed.Parameters.LambdaValues();
            var input = T.F(x);
            var output = T.F(mixed.Inputs);
            for (long i = 0; i < n; i++)
            {
                var box = new CutMixBox(boxes[i * 4], boxes[(i * 4) + 1], boxes[(i * 4) + 2], boxes[(i * 4) + 3]);
                Assert.Equal(box.LambdaFor(h, w), lam[i], 12);
                for (long ch = 0; ch < c; ch++)
                {
                    for (long r = 0; r < h; r++)
                    {
                        for (long col = 0; col < w; col++)
                        {
                            bool inside = r >= box.Top && r < box.Bottom && col >= box.Left && col < box.Right;
                            long src = inside ? partner[i] : i;
                            long offset = (ch * h * w) + (r * w) + col;
                            Assert.Equal(input[(src * c * h * w) + offset], output[(i * c * h * w) + offset]);
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void PerPairMembersSwapTheSameBox()
    {
        using var g = new Generator(8);
        using var p = new CutMix(5, new CutMixOptions { Mode = MixMode.PerPair }).Sample(new long[] { 10, 3, 16, 16 }, g);
        var partner = p.PartnerValues();
        var boxes = T.L(p.Boxes!);
        var lam = p.LambdaValues();
        for (int i = 0; i < 10; i++)
        {
            int j = (int)partner[i];
            Assert.NotEqual(i, j);
            Assert.Equal(i, partner[j]);
            Assert.Equal(boxes.Skip(i * 4).Take(4), boxes.Skip(j * 4).Take(4));
            Assert.Equal(lam[i], lam[j]);
        }
    }

    [Fact]
    public void WithoutCorrectionLambdaIsTheBetaDrawNotTheArea()
    {
        var shape = new long[] { 64, 1, 7, 7 };
        using var g1 = new Generator(99);
        using var g2 = new Generator(99);
        using var corrected = new CutMix(2, new CutMixOptions { Mode = MixMode.PerSample }).Sample(shape, g1);
        using var raw = new CutMix(2, new CutMixOptions { Mode = MixMode.PerSample, CorrectLambda = false }).Sample(shape, g2);
        Assert.Equal(T.L(corrected.Boxes!), T.L(raw.Boxes!));
        var a = corrected.LambdaValues();
        var b = raw.LambdaValues();
        Assert.Contains(Enumerable.Range(0, 64), i => Math.Abs(a[i] - b[i]) > 0.01);
        var partner = raw.PartnerValues();
        Assert.DoesNotContain(Enumerable.Range(0, 64), i => partner[i] != i && b[i] == 1.0);
    }

    [Fact]
    public void SideRatioRangeKeepsBoxesInsideWithSidesInRangeAndCorrectedLambda()
    {
        using var g = new Generator(5);
        const long h = 20, w = 30;
        var cutmix = new CutMix(2, new CutMixOptions { Mode = MixMode.PerSample, SideRatioRange = (0.2, 0.6), CorrectLambda = false });
        using var p = cutmix.Sample(new long[] { 500, 3, h, w }, g);
        var boxes = T.L(p.Boxes!);
        var lam = p.LambdaValues();
        for (int i = 0; i < 500; i++)
        {
            var box = new CutMixBox(boxes[i * 4], boxes[(i * 4) + 1], boxes[(i * 4) + 2], boxes[(i * 4) + 3]);
            Assert.InRange(box.Bottom - box.Top, 4, 11);   // [0.2·20, 0.6·20) = [4, 12)
            Assert.InRange(box.Right - box.Left, 6, 17);   // [0.2·30, 0.6·30) = [6, 18)
            Assert.InRange(box.Top, 0, h);
            Assert.InRange(box.Bottom, 0, h);
            Assert.InRange(box.Left, 0, w);
            Assert.InRange(box.Right, 0, w);
            Assert.Equal(box.LambdaFor(h, w), lam[i], 12);
        }

        Assert.Contains(Enumerable.Range(0, 500), i => boxes[(i * 4) + 2] == h);
        Assert.Contains(Enumerable.Range(0, 500), i => boxes[i * 4] == 0);
    }

    [Fact]
    public void WorksOnIntegerImagesAndNeverCastsLabels()
    {
        using var g = new Generator(6);
        using var x = torch.randint(0, 256, new long[] { 6, 3, 8, 8 }, dtype: ScalarType.Byte, generator: g);
        using var y = torch.tensor(new long[] { 0, 1, 2, 3, 4, 5 });
        using var mixed = new CutMix(6, new CutMixOptions { Mode = MixMode.PerSample }).Apply(x, y, g);
        Assert.Equal(ScalarType.Byte, mixed.Inputs.dtype);
        Assert.Equal(ScalarType.Float32, mixed.Targets.dtype);
        Assert.Equal(ScalarType.Int64, y.dtype);
        var lam = mixed.Parameters.LambdaValues();
        var partner = mixed.Parameters.PartnerValues();
        var own = T.D(mixed.Targets.gather(1, y.unsqueeze(1)).squeeze(1));
        for (int i = 0; i < 6; i++)
        {
            // Labels are all distinct, so the own-label weight is λ unless the sample is its own partner.
            Assert.Equal(partner[i] == i ? 1.0 : lam[i], own[i], 6);
        }
    }

    [Fact]
    public void ProbabilityZeroAndAlphaZeroReturnTheInputUnchanged()
    {
        using var g = new Generator(6);
        using var x = torch.randn(new long[] { 5, 3, 8, 8 }, generator: g);
        using var y = torch.tensor(new long[] { 0, 1, 2, 3, 4 });
        foreach (var options in new[] { new CutMixOptions { Probability = 0, Mode = MixMode.PerSample }, new CutMixOptions { Alpha = 0 } })
        {
            using var mixed = new CutMix(5, options).Apply(x, y, g);
            T.SameBytes(x, mixed.Inputs);
            Assert.All(mixed.Parameters.LambdaValues(), l => Assert.Equal(1.0, l));
            Assert.All(T.L(mixed.Parameters.Boxes!), v => Assert.Equal(0, v));
        }
    }

    [Fact]
    public void ProbabilityOneChangesEverySampleThatCanChange()
    {
        using var g = new Generator(12);
        using var x = T.DistinctImages(16, 1, 12, 12);
        using var y = torch.arange(16, dtype: ScalarType.Int64) % 4;
        using var mixed = new CutMix(4, new CutMixOptions { Mode = MixMode.PerSample }).Apply(x, y, g);
        var partner = mixed.Parameters.PartnerValues();
        var lam = mixed.Parameters.LambdaValues();
        for (int i = 0; i < 16; i++)
        {
            bool changes = partner[i] != i && lam[i] < 1.0;
            Assert.Equal(changes, !T.Bytes(x[i]).SequenceEqual(T.Bytes(mixed.Inputs[i])));
        }

        Assert.True(lam.Count(l => l < 1.0) >= 12, "nearly every sample should get a non-empty box");
    }

    [Fact]
    public void ReplayEqualsTheSampledCallAndSameSeedSameBytes()
    {
        using var x = T.DistinctImages(7, 3, 9, 9);
        using var y = torch.tensor(new long[] { 0, 1, 2, 0, 1, 2, 0 });
        var cutmix = new CutMix(3, new CutMixOptions { Mode = MixMode.PerSample, Probability = 0.8, LabelSmoothing = 0.1 });
        using var g1 = new Generator(1234);
        using var g2 = new Generator(1234);
        using var a = cutmix.Apply(x, y, g1);
        using var b = cutmix.Apply(x, y, g2);
        using var replay = cutmix.Apply(x, y, a.Parameters);
        T.SameBytes(a.Inputs, b.Inputs);
        T.SameBytes(a.Targets, b.Targets);
        T.SameBytes(a.Inputs, replay.Inputs);
        T.SameBytes(a.Targets, replay.Targets);
    }

    [Fact]
    public void EachRowGetsItsOwnBoxPerSampleNotOneSharedPlacement()
    {
        // kornia #4712 shared one cut placement across rows; per-sample boxes must differ.
        using var g = new Generator(40);
        using var p = new CutMix(2, new CutMixOptions { Mode = MixMode.PerSample }).Sample(new long[] { 32, 3, 32, 32 }, g);
        var boxes = T.L(p.Boxes!);
        var distinct = Enumerable.Range(0, 32).Select(i => string.Join(",", boxes.Skip(i * 4).Take(4))).Distinct().Count();
        Assert.True(distinct > 25, $"only {distinct} distinct boxes in 32 samples");
    }

    [Fact]
    public void LambdaIsTheWeightOfTheSamplesOwnLabelNotThePartners()
    {
        // kornia #3077 inverted CutMix's λ: with a big pasted box the partner's label must dominate.
        using var x = torch.zeros(2, 1, 10, 10);
        using var y = torch.tensor(new long[] { 0, 1 });
        using var p = new MixParameters(
            torch.tensor(new[] { 0.19, 1.0 }, dtype: ScalarType.Float64),
            torch.tensor(new long[] { 1, 0 }),
            torch.tensor(new long[] { 0, 0, 9, 9, 0, 0, 0, 0 }, new long[] { 2, 4 }));
        using var mixed = new CutMix(2).Apply(x, y, p);
        var t = T.F(mixed.Targets);
        Assert.Equal(0.19f, t[0], 5);
        Assert.Equal(0.81f, t[1], 5);
    }
}
