using System;
using MixupSharp.Losses;
using MixupSharp.Mixing;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Losses;

public sealed class SoftTargetLossTests
{
    [Fact]
    public void GoldenValueComputedByHand()
    {
        // logits [0, ln 3]: softmax = [1/4, 3/4]; target [0.5, 0.5]: loss = −(0.5·ln ¼ + 0.5·ln ¾) = 0.5·ln(16/3).
        using var logits = torch.tensor(new float[] { 0, (float)Math.Log(3) }).reshape(1, 2);
        using var target = torch.tensor(new float[] { 0.5f, 0.5f }).reshape(1, 2);
        using var loss = SoftTargetCrossEntropy.Compute(logits, target);
        Assert.Equal(0.5 * Math.Log(16.0 / 3.0), loss.item<float>(), 5);
    }

    [Fact]
    public void EqualsCrossEntropyOnOneHotTargets()
    {
        using var g = new Generator(3);
        using var logits = torch.randn(new long[] { 16, 10 }, generator: g);
        using var labels = torch.randint(10, new long[] { 16 }, generator: g);
        using var targets = SoftTargets.FromIndices(labels, 10);
        using var ours = SoftTargetCrossEntropy.Compute(logits, targets);
        using var reference = nn.functional.cross_entropy(logits, labels);
        Assert.Equal(reference.item<float>(), ours.item<float>(), 5);
    }

    [Fact]
    public void EqualsTheLambdaWeightedSumOfCrossEntropiesOnMixedTargets()
    {
        using var g = new Generator(4);
        using var x = torch.randn(new long[] { 8, 5 }, generator: g);
        using var labels = torch.randint(3, new long[] { 8 }, generator: g);
        using var logits = torch.randn(new long[] { 8, 3 }, generator: g);
        using var mixed = new Mixup(3).Apply(x, labels, g);
        double lam = mixed.Parameters.LambdaValues()[0];
        using var partnerLabels = labels.index_select(0, mixed.Parameters.Partner);
        double expected = (lam * nn.functional.cross_entropy(logits, labels).item<float>())
            + ((1 - lam) * nn.functional.cross_entropy(logits, partnerLabels).item<float>());
        Assert.Equal(expected, SoftTargetCrossEntropy.Compute(logits, mixed.Targets).item<float>(), 5);
    }

    [Fact]
    public void MatchesCrossEntropyWithLabelSmoothing()
    {
        using var g = new Generator(5);
        using var logits = torch.randn(new long[] { 12, 6 }, generator: g);
        using var labels = torch.randint(6, new long[] { 12 }, generator: g);
        using var targets = SoftTargets.FromIndices(labels, 6, 0.1);
        using var reference = nn.functional.cross_entropy(logits, labels, label_smoothing: 0.1);
        Assert.Equal(reference.item<float>(), SoftTargetCrossEntropy.Compute(logits, targets).item<float>(), 5);
    }

    [Fact]
    public void GradientIsSoftmaxMinusTargetOverN()
    {
        using var g = new Generator(6);
        using var logits = torch.randn(new long[] { 4, 3 }, generator: g).requires_grad_(true);
        using var targets = torch.softmax(torch.randn(new long[] { 4, 3 }, generator: g), 1);
        using var loss = SoftTargetCrossEntropy.Compute(logits, targets);
        loss.backward();
        using var expected = (torch.softmax(logits.detach(), 1) - targets) / 4;
        T.Close(expected, logits.grad!, 1e-6);
    }

    [Fact]
    public void ModuleFormAndReductionsAgreeWithCompute()
    {
        using var g = new Generator(7);
        using var logits = torch.randn(new long[] { 5, 4 }, generator: g);
        using var targets = torch.softmax(torch.randn(new long[] { 5, 4 }, generator: g), 1);
        using var perSample = SoftTargetCrossEntropy.Compute(logits, targets, LossReduction.None);
        Assert.Equal(new long[] { 5 }, perSample.shape);
        using var module = new SoftTargetCrossEntropy();
        Assert.Equal(perSample.mean().item<float>(), module.call(logits, targets).item<float>(), 6);
        using var summed = new SoftTargetCrossEntropy(LossReduction.Sum);
        Assert.Equal(perSample.sum().item<float>(), summed.call(logits, targets).item<float>(), 5);
    }

    [Fact]
    public void DensePredictionsUseTheClassDimensionOne()
    {
        using var g = new Generator(8);
        using var logits = torch.randn(new long[] { 2, 3, 4, 5 }, generator: g);
        using var labels = torch.randint(3, new long[] { 2, 4, 5 }, generator: g);
        using var targets = nn.functional.one_hot(labels, 3).permute(0, 3, 1, 2).to_type(ScalarType.Float32);
        using var reference = nn.functional.cross_entropy(logits, labels);
        Assert.Equal(reference.item<float>(), SoftTargetCrossEntropy.Compute(logits, targets).item<float>(), 5);
    }

    [Fact]
    public void BinaryFormMatchesTheFormulaAveragedOverClassesAndBatch()
    {
        // z = 0: σ = ½, loss = ln 2 whatever the target; z = ln 3 with t = 1: −ln ¾.
        using var logits = torch.tensor(new float[] { 0, (float)Math.Log(3), 0, 0 }).reshape(2, 2);
        using var targets = torch.tensor(new float[] { 0.3f, 1f, 1f, 0f }).reshape(2, 2);
        double expected = (Math.Log(2) + -Math.Log(0.75) + Math.Log(2) + Math.Log(2)) / 4;
        Assert.Equal(expected, SoftTargetBinaryCrossEntropy.Compute(logits, targets).item<float>(), 5);
        using var perSample = SoftTargetBinaryCrossEntropy.Compute(logits, targets, LossReduction.None);
        Assert.Equal(new long[] { 2 }, perSample.shape);
        using var module = new SoftTargetBinaryCrossEntropy();
        Assert.Equal(expected, module.call(logits, targets).item<float>(), 5);
    }

    [Fact]
    public void MismatchedShapesAndIndexTargetsAreRejectedWithShapes()
    {
        using var logits = torch.zeros(4, 10);
        using var wrong = torch.zeros(4, 9);
        using var indices = torch.zeros(new long[] { 4 }, dtype: ScalarType.Int64);
        var e = Assert.ThrowsAny<ArgumentException>(() => SoftTargetCrossEntropy.Compute(logits, wrong));
        Assert.Contains("[4, 10]", e.Message);
        Assert.Contains("[4, 9]", e.Message);
        Assert.Contains("SoftTargets.FromIndices", Assert.ThrowsAny<ArgumentException>(() => SoftTargetCrossEntropy.Compute(logits, indices)).Message);
        Assert.Contains("[4, 9]", Assert.ThrowsAny<ArgumentException>(() => SoftTargetBinaryCrossEntropy.Compute(logits, wrong)).Message);
    }
}
