using System;
using System.Linq;
using MixupSharp.Detection;
using MixupSharp.Mixing;
using MixupSharp.Pipelines;
using MixupSharp.Policies;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Reliability;

/// <summary>
/// Reliability, second pass, in the library: replayed parameters are checked against the batch (item 8), boxes are
/// checked (9), a pipeline's class count agrees with its mixers' (10), α = 0 draws are their own partners (12), and
/// RandAugment with 0 operations is the identity (20).
/// </summary>
public sealed class R2LibraryTests
{
    private static Tensor Images(long n, long size, int seed = 1) => torch.rand(new[] { n, 3L, size, size }, generator: new Generator((ulong)seed));

    private static Tensor Labels(long n) => torch.arange(n, dtype: ScalarType.Int64) % 10;

    [Fact]
    public void R2_Item8_ResizeMixParametersDrawnForAnotherSizeAreRefusedNotPastedWithWrongTargets()
    {
        using var scope = torch.NewDisposeScope();
        var mix = new ResizeMix(10, new ResizeMixOptions { ScaleRange = (0.3, 0.3) });
        using var drawn = mix.Sample(Images(4, 32), new Generator(3));
        var e = Assert.ThrowsAny<ArgumentException>(() => mix.Apply(Images(4, 40), Labels(4), drawn));
        Assert.Contains("pastes 12×12 on a 40×40 image (parameters drawn for another size?)", e.Message);
        using var ok = mix.Apply(Images(4, 32), Labels(4), drawn);   // the size they were drawn for replays
    }

    [Fact]
    public void R2_Item8_LambdaOutsideZeroOneMasksAboveOneAndPartnersOutOfRangeAreRefused()
    {
        using var scope = torch.NewDisposeScope();
        var fmix = new FMix(10);
        var images = Images(4, 16);
        using var drawn = fmix.Sample(images, new Generator(5));
        using var badLambda = new MaskMixParameters(drawn.Masks, drawn.Partner, torch.full(4, 1.7, dtype: ScalarType.Float64));
        Assert.Contains("parameters.Lambda must lie in [0, 1]", Assert.ThrowsAny<ArgumentException>(() => fmix.Apply(images, Labels(4), badLambda)).Message);
        using var badMask = new MaskMixParameters(drawn.Masks * 2, drawn.Partner, drawn.Lambda);
        Assert.Contains("parameters.Masks must lie in [0, 1]", Assert.ThrowsAny<ArgumentException>(() => fmix.Apply(images, Labels(4), badMask)).Message);
        using var badPartner = new MaskMixParameters(drawn.Masks, torch.tensor(new long[] { 0, 1, 2, 9 }), drawn.Lambda);
        Assert.Contains("parameters.Partner must hold indices in [0, 4); got values in [0, 9]", Assert.ThrowsAny<ArgumentException>(() => fmix.Apply(images, Labels(4), badPartner)).Message);
        using var lying = new MaskMixParameters(torch.ones_like(drawn.Masks), drawn.Partner, torch.full(4, 0.5, dtype: ScalarType.Float64));
        Assert.Contains("parameters.Lambda must be each mask's mean", Assert.ThrowsAny<ArgumentException>(() => fmix.Apply(images, Labels(4), lying)).Message);
    }

    [Fact]
    public void R2_Item8_DetectionMixupAndMosaicRefuseParametersThatReadOutsideTheBatch()
    {
        using var scope = torch.NewDisposeScope();
        var images = Images(2, 16);
        using var boxes = new BoxBatch(torch.tensor(new float[] { 1, 1, 5, 5, 2, 2, 8, 8 }, new long[] { 2, 1, 4 }), torch.tensor(new long[] { 1, 2 }, new long[] { 2, 1 }));
        using var lambda = new DetectionMixupParameters(torch.tensor(new[] { 1.7, 0.5 }), torch.tensor(new long[] { 1, 0 }));
        Assert.Contains("Lambda must lie in [0, 1]", Assert.ThrowsAny<ArgumentException>(() => new DetectionMixup().Apply(images, boxes, lambda)).Message);
        using var partner = new DetectionMixupParameters(torch.tensor(new[] { 0.5, 0.5 }), torch.tensor(new long[] { 1, 5 }));
        Assert.Contains("Partner must hold indices in [0, 2)", Assert.ThrowsAny<ArgumentException>(() => new DetectionMixup().Apply(images, boxes, partner)).Message);

        using var centre = new MosaicParameters(torch.tensor(new long[] { 8, 8, 40, 3 }, new long[] { 2, 2 }), torch.tensor(new long[] { 0, 1, 0, 1, 1, 0, 1, 0 }, new long[] { 2, 4 }));
        Assert.Contains("parameters.Centers[1] = (40, 3) lies outside the 16×16 canvas", Assert.ThrowsAny<ArgumentException>(() => new Mosaic().Apply(images, boxes, centre)).Message);
        using var sources = new MosaicParameters(torch.tensor(new long[] { 8, 8, 8, 8 }, new long[] { 2, 2 }), torch.tensor(new long[] { 0, 1, 0, 3, 1, 0, 1, 0 }, new long[] { 2, 4 }));
        Assert.Contains("parameters.Sources must hold image indices in [0, 2)", Assert.ThrowsAny<ArgumentException>(() => new Mosaic().Apply(images, boxes, sources)).Message);
    }

    [Theory]
    [InlineData(float.NaN, 1, 5, 5, 1, "NaN")]
    [InlineData(5, 1, 2, 5, 1, "is empty or inverted")]
    [InlineData(0, 0, 0, 0, 0, "is empty or inverted")]   // a slot padded with label 0 instead of −1
    [InlineData(1, 1, 5, 5, -3, "labels must be class indices ≥ 0, or −1 for padding; got -3")]
    [InlineData(1, 1, 5, 5, -1, "padding slots (label −1) must have all four coordinates 0")]
    public void R2_Item9_BoxBatchRefusesNaNInvertedAndMislabelledBoxes(float x1, float y1, float x2, float y2, long label, string expected)
    {
        using var scope = torch.NewDisposeScope();
        var e = Assert.ThrowsAny<ArgumentException>(() => new BoxBatch(torch.tensor(new[] { x1, y1, x2, y2 }, new long[] { 1, 1, 4 }), torch.tensor(new[] { label }, new long[] { 1, 1 })));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void R2_Item9_BoxesOutsideTheImageAreRefusedAndUnmixedPartnerSlotsArePadding()
    {
        using var scope = torch.NewDisposeScope();
        using var outside = new BoxBatch(torch.tensor(new float[] { 1, 1, 20, 5 }, new long[] { 1, 1, 4 }), torch.tensor(new long[] { 1 }, new long[] { 1, 1 }));
        Assert.Contains("lies outside the 16×16 image", Assert.ThrowsAny<ArgumentException>(() => new DetectionMixup().Apply(Images(1, 16), outside, new Generator(1))).Message);

        using var boxes = new BoxBatch(torch.tensor(new float[] { 1, 1, 5, 5, 2, 2, 8, 8 }, new long[] { 2, 1, 4 }), torch.tensor(new long[] { 1, 2 }, new long[] { 2, 1 }));
        using var unmixed = new DetectionMixupParameters(torch.tensor(new[] { 1.0, 1.0 }), torch.tensor(new long[] { 0, 1 }));
        using var result = new DetectionMixup().Apply(Images(2, 16), boxes, unmixed);
        Assert.Equal(new long[] { 1, -1, 2, -1 }, result.Boxes.Labels.data<long>().ToArray());
        Assert.Equal(new float[] { 1, 1, 5, 5, 0, 0, 0, 0, 2, 2, 8, 8, 0, 0, 0, 0 }, result.Boxes.Boxes.data<float>().ToArray());
    }

    [Fact]
    public void R2_Item10_APipelineRefusesAMixerOfAnotherClassCountNamingBoth()
    {
        var e = Assert.Throws<ArgumentException>(() => new AugmentationPipeline(10, PipelineStep.RandomApply(PipelineStep.Of(new Mixup(5)), 0.5)));
        Assert.Contains("the pipeline has 10 classes but its step 'Mixup' mixes targets of 5", e.Message);
        _ = new AugmentationPipeline(10, PipelineStep.Of(new Mixup(10)));
    }

    [Fact]
    public void R2_Item12_FMixAndSaliencyMixWithAlphaZeroLeaveEverySampleItsOwnPartner()
    {
        using var scope = torch.NewDisposeScope();
        var images = Images(6, 16);
        foreach (var draw in new IMixDraw[] { new FMix(10, new FMixOptions { Alpha = 0 }).Sample(images, new Generator(2)), new SaliencyMix(10, new SaliencyMixOptions { Alpha = 0 }).Sample(images, new Generator(2)) })
        {
            using (draw)
            {
                Assert.All(draw.Lambda.data<double>().ToArray(), l => Assert.Equal(1.0, l));
                Assert.Equal(Enumerable.Range(0, 6).Select(i => (long)i), draw.Partner.data<long>().ToArray());
            }
        }
    }

    [Fact]
    public void R2_Item20_RandAugmentWithNoOperationsIsTheIdentityAsInTorchvision()
    {
        using var scope = torch.NewDisposeScope();
        var images = Images(3, 16);
        var policy = new RandAugment(new RandAugmentOptions { NumOps = 0 });
        using var drawn = policy.Sample(images.shape, new Generator(1));
        T.SameBytes(images, policy.Transform(images, drawn));
    }
}
