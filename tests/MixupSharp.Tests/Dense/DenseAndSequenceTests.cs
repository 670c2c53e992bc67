using System;
using System.Linq;
using MixupSharp.Dense;
using MixupSharp.Losses;
using MixupSharp.Mixing;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Dense;

[Collection(TorchGlobalState.Name)]
public sealed class DenseAndSequenceTests
{
    [Theory]
    [InlineData(0.75, 8, 20, 6, 10)]   // cut = floor(20·0.25) = 5, half 2: [6, 10)
    [InlineData(0.5, 0, 10, 0, 2)]     // cut = 5, half 2: clipped to [0, 2)
    [InlineData(1.0, 4, 10, 0, 0)]     // no cut
    public void SequenceSpanArithmetic(double lam, long centre, long length, long left, long right)
    {
        var box = CutMixBox.FromLambdaAlongLength(lam, centre, length);
        Assert.Equal(left, box.Left);
        Assert.Equal(right, box.Right);
        if (right > left)
        {
            Assert.Equal((0L, 1L), (box.Top, box.Bottom));
        }
    }

    [Theory]
    [InlineData(MixMode.PerBatch)]
    [InlineData(MixMode.PerSample)]
    public void SequenceCutMixPastesASpanAndLambdaIsTheUncutLength(MixMode mode)
    {
        using var g = new Generator(1);
        const long n = 10, c = 3, l = 50;
        using var x = T.DistinctImages(n, c, 1, l).squeeze(2);
        using var y = torch.arange(n, dtype: ScalarType.Int64) % 4;
        using var mixed = new SequenceCutMix(4, new CutMixOptions { Mode = mode }).Apply(x, y, g);
        Assert.Equal(x.shape, mixed.Inputs.shape);
        var boxes = T.L(mixed.Parameters.Boxes!);
        var partner = mixed.Parameters.PartnerValues();
        var lam = mixed.Parameters.LambdaValues();
        for (int i = 0; i < n; i++)
        {
            long left = boxes[(i * 4) + 1], right = boxes[(i * 4) + 3];
            Assert.Equal(1.0 - ((right - left) / (double)l), lam[i], 12);
            var expected = x[i].clone();
            if (right > left)
            {
                expected[.., (int)left..(int)right] = x[partner[i]][.., (int)left..(int)right];
            }

            T.SameBytes(expected, mixed.Inputs[i]);
        }

        Assert.Contains(lam, v => v < 1.0);
    }

    [Fact]
    public void SequenceCutMixRejectsImagesAndReplays()
    {
        using var images = torch.zeros(2, 3, 4, 4);
        using var y = torch.tensor(new long[] { 0, 1 });
        Assert.Contains("[N, C, L]", Assert.ThrowsAny<ArgumentException>(() => new SequenceCutMix(2).Apply(images, y)).Message);
        using var g = new Generator(2);
        using var x = torch.rand(4, 2, 30);
        using var y4 = torch.tensor(new long[] { 0, 1, 0, 1 });
        var op = new SequenceCutMix(2, new CutMixOptions { Mode = MixMode.PerPair });
        using var a = op.Apply(x, y4, g);
        using var replay = op.Apply(x, y4, a.Parameters);
        T.SameBytes(a.Inputs, replay.Inputs);
    }

    [Fact]
    public void SegmentationCutMixPastesLabelsWithTheirPixelsAndKeepsIgnoredPixelsIgnored()
    {
        using var g = new Generator(3);
        const long n = 6, h = 12, w = 12;
        using var x = T.DistinctImages(n, 3, h, w);
        using var maps = torch.randint(0, 4, new long[] { n, h, w }, generator: g);
        maps[.., 0, ..] = torch.tensor(255L);   // first row ignored everywhere
        var op = new SegmentationCutMix(4, new CutMixOptions { Mode = MixMode.PerSample }, ignoreIndex: 255);
        using var batch = op.Apply(x, maps, g);
        var partner = batch.Parameters.PartnerValues();
        var boxes = T.L(batch.Parameters.Boxes!);
        for (int i = 0; i < n; i++)
        {
            var expected = maps[i].clone();
            int t = (int)boxes[i * 4], l = (int)boxes[(i * 4) + 1], b = (int)boxes[(i * 4) + 2], r = (int)boxes[(i * 4) + 3];
            if (b > t && r > l)
            {
                expected[t..b, l..r] = maps[partner[i]][t..b, l..r];
            }

            T.SameBytes(expected, batch.LabelMaps![i]);
        }

        // Ignored pixels have all-zero target rows; every other pixel is one-hot of its pasted label.
        var rowSums = batch.Targets.sum(1);
        T.SameBytes(batch.LabelMaps!.ne(255), rowSums > 0);
        using var hot = DenseTargets.FromLabelMaps(batch.LabelMaps, 4, 255);
        T.SameBytes(hot, batch.Targets);
    }

    [Fact]
    public void SegmentationMixupGivesPerPixelSoftTargetsAndIgnoresPixelsIgnoredInEitherImage()
    {
        using var x = torch.rand(2, 1, 2, 2);
        using var maps = torch.tensor(new long[] { 0, 1, 255, 2, 2, 2, 1, 255 }).reshape(2, 2, 2);
        using var p = new MixParameters(torch.tensor(new[] { 0.25, 0.25 }), torch.tensor(new long[] { 1, 0 }));
        using var batch = new SegmentationMixup(3, ignoreIndex: 255).Apply(x, maps, p);
        Assert.Null(batch.LabelMaps);
        var t = T.F(batch.Targets[0]);   // [3, 2, 2] for sample 0: own labels (0,1,255,2), partner's (2,2,1,255)
        // pixel (0,0): 0.25·e0 + 0.75·e2; pixel (0,1): 0.25·e1 + 0.75·e2; pixels (1,0) and (1,1): ignored.
        Assert.Equal(new float[] { 0.25f, 0, 0, 0, 0, 0.25f, 0, 0, 0.75f, 0.75f, 0, 0 }, t);
        T.Close(((x[0] * 0.25f) + (x[1] * 0.75f)).unsqueeze(0), batch.Inputs.narrow(0, 0, 1), 1e-6);
    }

    [Fact]
    public void DenseLossAveragesOverValidPixelsOnly()
    {
        using var g = new Generator(4);
        using var logits = torch.randn(new long[] { 2, 3, 4, 4 }, generator: g);
        using var maps = torch.randint(0, 3, new long[] { 2, 4, 4 }, generator: g);
        maps[0, 0, 0] = torch.tensor(-1L);
        maps[1, 2, 3] = torch.tensor(-1L);
        using var targets = DenseTargets.FromLabelMaps(maps, 3, -1);
        using var reference = nn.functional.cross_entropy(logits, maps, ignore_index: -1);
        Assert.Equal(reference.item<float>(), DenseSoftTargetCrossEntropy.Compute(logits, targets).item<float>(), 5);
        using var allIgnored = torch.zeros_like(targets);
        Assert.Equal(0f, DenseSoftTargetCrossEntropy.Compute(logits, allIgnored).item<float>());
    }

    [Fact]
    public void LabelMapsAreValidatedAgainstTheImagesAndClasses()
    {
        using var x = torch.zeros(2, 3, 4, 4);
        using var wrongSize = torch.zeros(new long[] { 2, 4, 5 }, dtype: ScalarType.Int64);
        Assert.Contains("[2, 4, 4]", Assert.ThrowsAny<ArgumentException>(() => new SegmentationCutMix(3).Apply(x, wrongSize)).Message);
        using var bad = torch.full(new long[] { 2, 4, 4 }, 7L, dtype: ScalarType.Int64);
        var e = Assert.ThrowsAny<ArgumentException>(() => new SegmentationMixup(3, ignoreIndex: 255).Apply(x, bad));
        Assert.Contains("[0, 3)", e.Message);
        Assert.Contains("255", e.Message);
        Assert.Contains("7", e.Message);
    }

    [Fact]
    public void DenseOpsLeakNothing()
    {
        using var g = new Generator(5);
        using var x = torch.rand(4, 3, 8, 8);
        using var maps = torch.randint(0, 3, new long[] { 4, 8, 8 }, generator: g);
        var cut = new SegmentationCutMix(3);
        var mix = new SegmentationMixup(3);
        cut.Apply(x, maps, g).Dispose();
        mix.Apply(x, maps, g).Dispose();
        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 5; i++)
        {
            cut.Apply(x, maps, g).Dispose();
            mix.Apply(x, maps, g).Dispose();
        }

        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
