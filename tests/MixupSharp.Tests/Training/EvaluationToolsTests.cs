using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using MixupSharp.Training.Reports;
using MixupSharp.Training;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Training;

/// <summary>FGSM and the statistics behind compare, on hand-made inputs with known answers.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class EvaluationToolsTests
{
    // A linear model without bias: logits = x Wᵀ, W = [[2, -1], [-1, 1]].
    private static Tensor Linear(Tensor x)
    {
        var w = torch.tensor(new double[] { 2, -1, -1, 1 }, dtype: x.dtype).reshape(2, 2);
        return x.matmul(w.t());
    }

    [Fact]
    public void FgsmStepsEachPixelByEpsilonAlongTheSignOfTheLossGradientAndClampsToTheImageRange()
    {
        // By hand: ∇ₓ CE = Wᵀ (softmax(Wx) − onehot(y)).
        // Sample 0: x = (0.5, 0.2), y = 0: logits (0.8, −0.3), p = (0.750, 0.250), gradient (−0.750, 0.500): x − 0.1, y + 0.1.
        // Sample 1: x = (0.95, 0.98), y = 1: logits (0.92, 0.03), p = (0.709, 0.291), gradient (2.127, −1.418): 1.05 clamps to 1.
        using var x = torch.tensor(new double[] { 0.5, 0.2, 0.95, 0.98 }).reshape(2, 2);
        using var y = torch.tensor(new long[] { 0, 1 });
        using var adversarial = Fgsm.Perturb(Linear, x, y, 0.1);
        T.Close(torch.tensor(new double[] { 0.4, 0.3, 1.0, 0.88 }).reshape(2, 2), adversarial, 1e-12);
        Assert.False(adversarial.requires_grad);

        // The formula, for random inputs: the same as a hand-written gradient.
        using var generator = new Generator(5);
        using var xs = torch.rand(new long[] { 64, 2 }, dtype: ScalarType.Float64, generator: generator);
        using var ys = torch.randint(0, 2, new long[] { 64 }, generator: generator);
        using var p = torch.softmax(Linear(xs), 1);
        using var gradient = (p - torch.nn.functional.one_hot(ys, 2).to_type(ScalarType.Float64)).matmul(torch.tensor(new double[] { 2, -1, -1, 1 }).reshape(2, 2));
        using var expected = (xs + (gradient.sign() * 0.05)).clamp(0, 1);
        using var actual = Fgsm.Perturb(Linear, xs, ys, 0.05);
        T.Close(expected, actual, 1e-12);

        // The attack raises the loss.
        using var before = torch.nn.functional.cross_entropy(Linear(xs), ys);
        using var after = torch.nn.functional.cross_entropy(Linear(actual), ys);
        Assert.True(after.item<double>() > before.item<double>());
    }

    [Fact]
    public void FgsmWithEpsilonZeroReturnsTheImagesAndBadInputIsNamed()
    {
        using var x = torch.rand(3, 2);
        using var y = torch.tensor(new long[] { 0, 1, 1 });
        using var same = Fgsm.Perturb(Linear, x, y, 0);
        Assert.Equal(T.Bytes(x), T.Bytes(same));
        Assert.Contains("epsilon must be a finite number >= 0", Assert.Throws<ArgumentOutOfRangeException>(() => Fgsm.Perturb(Linear, x, y, -0.1)).Message);
        Assert.Contains("labels must be int64 [3]", Assert.Throws<ArgumentException>(() => Fgsm.Perturb(Linear, x, torch.tensor(new long[] { 0, 1 }), 0.1)).Message);
        Assert.Contains("floating-point", Assert.Throws<ArgumentException>(() => Fgsm.Perturb(Linear, torch.ones(new long[] { 3, 2 }, dtype: ScalarType.Byte), y, 0.1)).Message);
    }

    [Fact]
    public void StudentTTailsMatchClosedForms()
    {
        // df = 1 is the Cauchy distribution: P(|T| ≥ 1) = 1/2; df = 2: P(|T| ≥ t) = 1 − t / sqrt(2 + t²).
        Assert.Equal(0.5, Statistics.StudentTTwoSided(1, 1), 12);
        foreach (double t in new[] { 0.3, 1.0, 2.5, 7.0 })
        {
            Assert.Equal(1 - (t / Math.Sqrt(2 + (t * t))), Statistics.StudentTTwoSided(t, 2), 12);
        }

        Assert.Equal(1.0, Statistics.StudentTTwoSided(0, 7), 12);

        // Table critical values (two-sided 5%): df 10 → 2.228139, df 1 → 12.7062, large df → 1.959964.
        Assert.Equal(0.05, Statistics.StudentTTwoSided(2.228139, 10), 6);
        Assert.Equal(0.05, Statistics.StudentTTwoSided(12.7062047, 1), 6);
        Assert.Equal(0.05, Statistics.StudentTTwoSided(1.959964, 1e7), 5);

        Assert.Equal(Math.Log(24), Statistics.LogGamma(5), 12);
        Assert.Equal(Math.Log(Math.Sqrt(Math.PI)), Statistics.LogGamma(0.5), 12);
        Assert.Equal(Math.Pow(0.3, 2.5), Statistics.RegularizedIncompleteBeta(2.5, 1, 0.3), 12);
    }

    [Fact]
    public void WelchTestUsesTheUnequalVarianceStatisticAndDegreesOfFreedom()
    {
        // a = {1, 2, 3}: mean 2, variance 1; b = {4, 6, 8}: mean 6, variance 4.
        // t = −4 / sqrt(1/3 + 4/3) = −3.0984; df = (5/3)² / ((1/3)²/2 + (4/3)²/2) = 50/17.
        var r = Statistics.WelchTTest(new double[] { 1, 2, 3 }, new double[] { 4, 6, 8 });
        Assert.Equal(-4 / Math.Sqrt(5.0 / 3), r.T, 12);
        Assert.Equal(50.0 / 17, r.DegreesOfFreedom, 12);
        Assert.Equal(Statistics.StudentTTwoSided(r.T, 50.0 / 17), r.PValue, 12);
        Assert.InRange(r.PValue, 0.04, 0.06);

        Assert.True(double.IsNaN(Statistics.WelchTTest(new double[] { 1 }, new double[] { 1, 2 }).PValue));
        Assert.Equal(1.0, Statistics.StandardDeviation(new double[] { 1, 2, 3 }), 12);
        Assert.Equal(2.5, Statistics.Median(new double[] { 4, 1, 3, 2 }));
    }
}
