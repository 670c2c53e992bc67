using System;
using System.Linq;
using MixupSharp.Mixing;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Training;

/// <summary>PuzzleMix's saliency: the ℓ2 norm over channels of the clean loss's input gradient.</summary>
public sealed class InputSaliencyTests
{
    [Fact]
    public void TheSaliencyMatchesAFiniteDifferenceGradient()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        using var model = new SeedNet(2, 8, 3);
        model.to(ScalarType.Float64);
        model.eval();   // batch statistics aside, so each pixel's derivative is the loss's alone
        using var g = new Generator(9);
        var x = torch.rand(new long[] { 2, 2, 8, 8 }, dtype: ScalarType.Float64, generator: g);
        var targets = SoftTargets.FromIndices(torch.tensor(new long[] { 0, 2 }), 3, dtype: ScalarType.Float64);
        var saliency = InputSaliency.Compute(model, x, targets);
        Assert.Equal(new long[] { 2, 8, 8 }, saliency.shape);

        double Loss(Tensor input)
        {
            using var inner = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            return MixupSharp.Losses.SoftTargetCrossEntropy.Compute(model.call(input), targets).item<double>();
        }

        const double h = 1e-6;
        foreach (var (n, r, c) in new[] { (0, 0, 0), (0, 3, 5), (1, 7, 7), (1, 4, 2), (0, 6, 1) })
        {
            double squares = 0;
            for (int ch = 0; ch < 2; ch++)
            {
                var plus = x.clone();
                plus[n, ch, r, c] += h;
                var minus = x.clone();
                minus[n, ch, r, c] -= h;
                double derivative = (Loss(plus) - Loss(minus)) / (2 * h);
                squares += derivative * derivative;
            }

            double expected = Math.Sqrt(squares), got = saliency[n, r, c].item<double>();
            Assert.True(Math.Abs(expected - got) <= 1e-6 + (1e-4 * expected), $"pixel ({n}, {r}, {c}): finite differences {expected}, saliency {got}");
        }
    }

    [Fact]
    public void TheSaliencyPassLeavesTheParametersGradientsAlone()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new SeedNet(1, 8, 3);
        var x = torch.rand(4, 1, 8, 8);
        var targets = SoftTargets.FromIndices(torch.tensor(new long[] { 0, 1, 2, 0 }), 3);
        InputSaliency.Compute(model, x, targets);
        Assert.All(model.parameters(), p => Assert.True(p.grad is null || p.grad.abs().sum().item<float>() == 0));
    }
}
