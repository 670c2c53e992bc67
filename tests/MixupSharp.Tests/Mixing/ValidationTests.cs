using System;
using System.Collections.Generic;
using MixupSharp.Mixing;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Mixing;

/// <summary>Every bad input throws an <see cref="ArgumentException"/> whose message names what was expected and what came.</summary>
public sealed class ValidationTests
{
    public static IEnumerable<object[]> BadOptions()
    {
        yield return Case(() => new Mixup(10, new MixupOptions { Alpha = -0.5 }), "MixupOptions.Alpha", "-0.5");
        yield return Case(() => new Mixup(10, new MixupOptions { Alpha = double.NaN }), "MixupOptions.Alpha", "NaN");
        yield return Case(() => new Mixup(10, new MixupOptions { Alpha = double.PositiveInfinity }), "MixupOptions.Alpha", "finite");
        yield return Case(() => new Mixup(10, new MixupOptions { Probability = 1.5 }), "MixupOptions.Probability", "1.5");
        yield return Case(() => new Mixup(10, new MixupOptions { Probability = -0.1 }), "MixupOptions.Probability", "[0, 1]");
        yield return Case(() => new Mixup(10, new MixupOptions { LabelSmoothing = 1.0 }), "MixupOptions.LabelSmoothing", "[0, 1)");
        yield return Case(() => new Mixup(10, new MixupOptions { LabelSmoothing = -0.1 }), "MixupOptions.LabelSmoothing", "-0.1");
        yield return Case(() => new Mixup(10, new MixupOptions { Mode = (MixMode)7 }), "MixupOptions.Mode", "PerBatch, PerPair, PerSample");
        yield return Case(() => new Mixup(1), "numClasses", "got 1");
        yield return Case(() => new CutMix(0), "numClasses", "got 0");
        yield return Case(() => new CutMix(10, new CutMixOptions { Alpha = -1 }), "CutMixOptions.Alpha", "-1");
        yield return Case(() => new CutMix(10, new CutMixOptions { SideRatioRange = (0.6, 0.2) }), "CutMixOptions.SideRatioRange", "(0.6, 0.2)");
        yield return Case(() => new CutMix(10, new CutMixOptions { SideRatioRange = (0.1, 1.2) }), "CutMixOptions.SideRatioRange", "Max ≤ 1");
        yield return Case(() => new MixupOrCutMix(10, new MixupOrCutMixOptions { SwitchProbability = 2 }), "MixupOrCutMixOptions.SwitchProbability", "2");
        yield return Case(() => new MixupOrCutMix(10, new MixupOrCutMixOptions { CutMixAlpha = -3 }), "MixupOrCutMixOptions.CutMixAlpha", "-3");
        yield return Case(() => new MixupOrCutMix(10, new MixupOrCutMixOptions { LabelSmoothing = 2 }), "MixupOrCutMixOptions.LabelSmoothing", "2");
    }

    private static object[] Case(Action action, params string[] fragments) => new object[] { action, fragments };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void BadOptionsAreRejectedAtConstruction(Action construct, string[] fragments)
    {
        var e = Assert.ThrowsAny<ArgumentException>(construct);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, e.Message);
        }
    }

    [Fact]
    public void CutMixOnATensorThatIsNot4DNamesTheShape()
    {
        using var x = torch.zeros(3, 32, 32);
        using var y = torch.tensor(new long[] { 0, 1, 2 });
        var e = Assert.ThrowsAny<ArgumentException>(() => new CutMix(3).Apply(x, y));
        Assert.Contains("[N, C, H, W]", e.Message);
        Assert.Contains("[3, 32, 32]", e.Message);
    }

    [Fact]
    public void MixupOnIntegerInputsNamesTheDtype()
    {
        using var x = torch.zeros(new long[] { 2, 3 }, dtype: ScalarType.Int32);
        using var y = torch.tensor(new long[] { 0, 1 });
        var e = Assert.ThrowsAny<ArgumentException>(() => new Mixup(2).Apply(x, y));
        Assert.Contains("floating", e.Message);
        Assert.Contains("Int32", e.Message);
    }

    [Fact]
    public void BatchSizesThatDifferAreNamed()
    {
        using var x = torch.zeros(4, 3);
        using var y = torch.tensor(new long[] { 0, 1, 1 });
        var e = Assert.ThrowsAny<ArgumentException>(() => new Mixup(2).Apply(x, y));
        Assert.Contains("batch size 3", e.Message);
        Assert.Contains("4", e.Message);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(10L)]
    public void LabelsOutsideTheClassRangeAreNamed(long bad)
    {
        using var x = torch.zeros(2, 3);
        using var y = torch.tensor(new long[] { 0, bad });
        var e = Assert.ThrowsAny<ArgumentException>(() => new Mixup(10).Apply(x, y));
        Assert.Contains("[0, 10)", e.Message);
        Assert.Contains(bad.ToString(), e.Message);
    }

    [Fact]
    public void ProbabilityLabelsMustBeDistributions()
    {
        using var x = torch.zeros(2, 3);
        using var negative = torch.tensor(new float[] { 1.5f, -0.5f, 0.5f, 0.5f }).reshape(2, 2);
        using var notSummingToOne = torch.tensor(new float[] { 0.5f, 0.2f, 0.5f, 0.5f }).reshape(2, 2);
        using var wrongClasses = torch.tensor(new float[] { 0.5f, 0.2f, 0.3f, 0.5f, 0.5f, 0 }).reshape(2, 3);
        Assert.Contains("non-negative", Assert.ThrowsAny<ArgumentException>(() => new Mixup(2).Apply(x, negative)).Message);
        Assert.Contains("sum to 1", Assert.ThrowsAny<ArgumentException>(() => new Mixup(2).Apply(x, notSummingToOne)).Message);
        Assert.Contains("[2, 2]", Assert.ThrowsAny<ArgumentException>(() => new Mixup(2).Apply(x, wrongClasses)).Message);
    }

    [Fact]
    public void LabelsOfAnUnsupportedKindAreNamed()
    {
        using var x = torch.zeros(2, 3);
        using var y = torch.tensor(new float[] { 0, 1 });
        var e = Assert.ThrowsAny<ArgumentException>(() => new Mixup(2).Apply(x, y));
        Assert.Contains("class indices [N]", e.Message);
        Assert.Contains("Float32 [2]", e.Message);
    }

    [Fact]
    public void AnEmptyBatchIsRejected()
    {
        using var x = torch.zeros(0, 3);
        using var y = torch.zeros(new long[] { 0 }, dtype: ScalarType.Int64);
        Assert.Contains("at least one sample", Assert.ThrowsAny<ArgumentException>(() => new Mixup(2).Apply(x, y)).Message);
    }

    [Fact]
    public void ReplayParametersMustMatchTheBatch()
    {
        using var x = torch.zeros(3, 1, 4, 4);
        using var y = torch.tensor(new long[] { 0, 1, 0 });
        using var shortLambda = new MixParameters(torch.ones(new long[] { 2 }, dtype: ScalarType.Float64), torch.tensor(new long[] { 0, 1, 2 }));
        Assert.Contains("float64 [3]", Assert.ThrowsAny<ArgumentException>(() => new Mixup(2).Apply(x, y, shortLambda)).Message);

        using var badPartner = new MixParameters(torch.ones(new long[] { 3 }, dtype: ScalarType.Float64), torch.tensor(new long[] { 0, 1, 3 }));
        Assert.Contains("[0, 3)", Assert.ThrowsAny<ArgumentException>(() => new Mixup(2).Apply(x, y, badPartner)).Message);

        using var badLambda = new MixParameters(torch.tensor(new[] { 0.5, 1.2, 1.0 }), torch.tensor(new long[] { 0, 1, 2 }));
        Assert.Contains("[0, 1]", Assert.ThrowsAny<ArgumentException>(() => new Mixup(2).Apply(x, y, badLambda)).Message);

        using var boxOutside = new MixParameters(torch.ones(new long[] { 3 }, dtype: ScalarType.Float64), torch.tensor(new long[] { 1, 0, 2 }),
            torch.tensor(new long[] { 0, 0, 5, 4, 0, 0, 0, 0, 0, 0, 0, 0 }, new long[] { 3, 4 }));
        Assert.Contains("height 4", Assert.ThrowsAny<ArgumentException>(() => new CutMix(2).Apply(x, y, boxOutside)).Message);
    }

    [Fact]
    public void ParametersOfOneMixerAreRefusedByAnother()
    {
        using var g = new Generator(1);
        using var x = torch.zeros(4, 1, 6, 6);
        using var y = torch.tensor(new long[] { 0, 1, 0, 1 });
        using var cut = new CutMix(2).Sample(x.shape, g);
        using var mix = new Mixup(2).Sample(x.shape, g);
        using var either = new MixupOrCutMix(2).Sample(x.shape, g);
        Assert.Contains("replay them with CutMix", Assert.ThrowsAny<ArgumentException>(() => new Mixup(2).Apply(x, y, cut)).Message);
        Assert.Contains("needs CutMix boxes", Assert.ThrowsAny<ArgumentException>(() => new CutMix(2).Apply(x, y, mix)).Message);
        Assert.Contains("MixupOrCutMix", Assert.ThrowsAny<ArgumentException>(() => new CutMix(2).Apply(x, y, either)).Message);
    }

    [Fact]
    public void AFailedApplyLeavesTheCallersTensorsIntact()
    {
        using var x = torch.ones(2, 3);
        using var y = torch.tensor(new long[] { 0, 5 });
        Assert.ThrowsAny<ArgumentException>(() => new Mixup(2).Apply(x, y));
        Assert.Equal(6f, x.sum().item<float>());
        Assert.Equal(5L, y[1].item<long>());
    }
}
