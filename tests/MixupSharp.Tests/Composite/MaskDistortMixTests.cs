using System;
using System.Linq;
using MixupSharp.Composite;
using MixupSharp.Distortion;
using MixupSharp.Masking;
using MixupSharp.Mixing;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Composite;

public sealed class MaskDistortMixTests
{
    private static Tensor Images(long n = 8, ulong seed = 1)
    {
        using var g = new Generator(seed);
        return torch.rand(new[] { n, 3, 12, 12 }, generator: g);
    }

    private static readonly Tensor Labels8 = torch.tensor(new long[] { 0, 1, 2, 3, 0, 1, 2, 3 });

    [Theory]
    [InlineData(Blend.Linear)]
    [InlineData(Blend.Geometric)]
    public void SyntheticViewsAreTheStatedBlendOfTheMaskedAndDistortedViews(Blend blend)
    {
        using var g = new Generator(2);
        using var x = Images();
        var mdm = MaskDistortMix.Create(4, new MaskDistortMixOptions { Blend = blend });
        using var p = mdm.Sample(x.shape, g);
        using var m = mdm.Masking.Transform(x, p.Masking);
        using var d = mdm.Distortion.Transform(x, p.Distortion);
        var lam = torch.tensor(p.Lambda.data<double>().ToArray()).to_type(ScalarType.Float32).reshape(8, 1, 1, 1);
        var expected = blend == Blend.Linear ? (m * lam) + (d * (1 - lam)) : m.pow(lam) * d.pow(1 - lam);
        using var synthetic = mdm.Synthesize(x, p);
        T.Close(expected, synthetic, 1e-6);
        using var batch = mdm.Apply(x, Labels8, p);
        T.Close(expected, batch.Inputs, 1e-6);
        using var own = SoftTargets.FromIndices(Labels8, 4);
        T.SameBytes(own, batch.Targets);   // same-sample views keep the sample's own label
    }

    [Fact]
    public void LambdaOneGivesTheMaskedViewAndLambdaZeroTheDistortedView()
    {
        using var g = new Generator(3);
        using var x = Images(4);
        foreach (var blend in new[] { Blend.Linear, Blend.Geometric })
        {
            var mdm = MaskDistortMix.Create(4, new MaskDistortMixOptions { Blend = blend });
            using var p = mdm.Sample(x.shape, g);
            using var ones = new MaskDistortMixParameters<AffineParameters>(torch.ones(new long[] { 4 }, dtype: ScalarType.Float64), p.Partner.clone(), p.Selected.clone(), Clone(p.Masking), new AffineParameters(p.Distortion.Matrices.clone(), p.Distortion.Applied.clone()));
            T.SameBytes(mdm.Masking.Transform(x, p.Masking), mdm.Synthesize(x, ones));
            using var zeros = new MaskDistortMixParameters<AffineParameters>(torch.zeros(new long[] { 4 }, dtype: ScalarType.Float64), p.Partner.clone(), p.Selected.clone(), Clone(p.Masking), new AffineParameters(p.Distortion.Matrices.clone(), p.Distortion.Applied.clone()));
            T.SameBytes(mdm.Distortion.Transform(x, p.Distortion), mdm.Synthesize(x, zeros));
        }
    }

    private static MaskParameters Clone(MaskParameters m) => new(m.Mask.clone(), m.Fill.clone(), m.Applied.clone(), m.Regions?.clone());

    [Fact]
    public void PartnerModeMixesTargetsByLambda()
    {
        using var g = new Generator(4);
        using var x = Images();
        var mdm = MaskDistortMix.Create(4, new MaskDistortMixOptions { MixPartners = true, LabelSmoothing = 0.1 });
        using var batch = mdm.Apply(x, Labels8, g);
        var partner = batch.Parameters.Partner.data<long>().ToArray();
        Assert.Contains(Enumerable.Range(0, 8), i => partner[i] != i);
        using var own = SoftTargets.FromIndices(Labels8, 4, 0.1);
        var lam = batch.Parameters.Lambda.to_type(ScalarType.Float32).unsqueeze(1);
        T.Close((own * lam) + (own.index_select(0, batch.Parameters.Partner) * (1 - lam)), batch.Targets, 1e-6);
    }

    [Fact]
    public void AppendPutsOriginalsFirstAndDoublesTheBatchAtProbabilityOne()
    {
        using var g = new Generator(5);
        using var x = Images();
        var mdm = MaskDistortMix.Create(4, new MaskDistortMixOptions { Insertion = SyntheticInsertion.Append });
        using var batch = mdm.Apply(x, Labels8, g);
        Assert.Equal(new long[] { 16, 3, 12, 12 }, batch.Inputs.shape);
        Assert.Equal(new long[] { 16, 4 }, batch.Targets.shape);
        T.SameBytes(x, batch.Inputs.narrow(0, 0, 8));
        T.Close(mdm.Synthesize(x, batch.Parameters), batch.Inputs.narrow(0, 8, 8), 0);
        T.SameBytes(batch.Targets.narrow(0, 0, 8), batch.Targets.narrow(0, 8, 8));
    }

    [Fact]
    public void ProbabilitySelectsWhichSamplesBecomeSyntheticAndTheRestAreExact()
    {
        using var g = new Generator(6);
        using var x = Images(40);
        using var labels = torch.arange(40, dtype: ScalarType.Int64) % 4;
        var replace = MaskDistortMix.Create(4, new MaskDistortMixOptions { Probability = 0.5 });
        using var batch = replace.Apply(x, labels, g);
        var selected = batch.Parameters.Selected.data<bool>().ToArray();
        Assert.InRange(selected.Count(s => s), 10, 30);
        foreach (int i in Enumerable.Range(0, 40).Where(i => !selected[i]))
        {
            T.SameBytes(x[i], batch.Inputs[i]);
        }

        var append = MaskDistortMix.Create(4, new MaskDistortMixOptions { Probability = 0.5, Insertion = SyntheticInsertion.Append });
        using var g2 = new Generator(6);
        using var appended = append.Apply(x, labels, g2);
        Assert.Equal(40 + selected.Count(s => s), appended.Inputs.shape[0]);

        using var none = MaskDistortMix.Create(4, new MaskDistortMixOptions { Probability = 0 }).Apply(x, labels, g);
        T.SameBytes(x, none.Inputs);
    }

    [Fact]
    public void SameSeedSameBytesAndReplayEqualsTheSampledCall()
    {
        using var x = Images();
        var mdm = new MaskDistortMix<AffineParameters>(4, new Cutout(new CutoutOptions { Size = 4 }), new RandomAffine(), new MaskDistortMixOptions { Blend = Blend.Geometric, MixPartners = true });
        using var g1 = new Generator(9);
        using var g2 = new Generator(9);
        using var a = mdm.Apply(x, Labels8, g1);
        using var b = mdm.Apply(x, Labels8, g2);
        using var replay = mdm.Apply(x, Labels8, a.Parameters);
        T.SameBytes(a.Inputs, b.Inputs);
        T.SameBytes(a.Inputs, replay.Inputs);
        T.SameBytes(a.Targets, replay.Targets);
    }

    [Fact]
    public void AnyDistortionCanBeUsedForTheDistortedView()
    {
        using var g = new Generator(10);
        using var x = Images();
        var mdm = new MaskDistortMix<CropParameters>(4, new GridMask(new GridMaskOptions { UnitSizeRange = (4, 6) }), new RandomCrop(new RandomCropOptions { Padding = 2 }));
        using var batch = mdm.Apply(x, Labels8, g);
        Assert.Equal(x.shape, batch.Inputs.shape);
    }

    [Fact]
    public void GeometricBlendRejectsNegativeInputAndBadInputsAreNamed()
    {
        using var x = Images() - 0.5f;
        var geometric = MaskDistortMix.Create(4, new MaskDistortMixOptions { Blend = Blend.Geometric });
        var e = Assert.ThrowsAny<ArgumentException>(() => geometric.Apply(x, Labels8));
        Assert.Contains("non-negative", e.Message);
        Assert.Contains("minimum", e.Message);
        using var ints = torch.zeros(new long[] { 8, 3, 12, 12 }, dtype: ScalarType.Byte);
        Assert.Contains("floating", Assert.ThrowsAny<ArgumentException>(() => MaskDistortMix.Create(4).Apply(ints, Labels8)).Message);
        Assert.Contains("MaskDistortMixOptions.Alpha", Assert.ThrowsAny<ArgumentException>(() => MaskDistortMix.Create(4, new MaskDistortMixOptions { Alpha = -1 })).Message);
        using var y = torch.tensor(new long[] { 0, 1 });
        Assert.Contains("batch size 2", Assert.ThrowsAny<ArgumentException>(() => MaskDistortMix.Create(4).Apply(Images(), y)).Message);
    }
}
