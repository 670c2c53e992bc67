using System;
using System.Linq;
using MixupSharp.Training.Methods;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Training;

/// <summary>AutoMix's Mix Block on its own: shapes, what it reads, and whether its mask can follow λ.</summary>
public sealed class PixelMixBlockTests
{
    [Fact]
    public void TheMaskHasTheImagesSizeItsChannelsSumToOneAndItReadsThePartner()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        using var block = new PixelMixBlock(8, lamConcat: false, scaleFactor: 4);
        var features = torch.randn(4, 8, 4, 4);
        var swap = torch.tensor(new long[] { 1, 0, 3, 2 });
        var mask = block.call(features, swap, 0.3);
        Assert.Equal(new long[] { 4, 2, 16, 16 }, mask.shape);
        Assert.True(mask.sum(1).sub(torch.ones(4, 16, 16)).abs().max().item<float>() < 1e-6);
        Assert.True(mask.min().item<float>() > 0 && mask.max().item<float>() < 1);
        // Nearest upsampling: each feature position covers a 4 × 4 square of equal weights.
        Assert.Equal(mask[0, 1, 0, 0].item<float>(), mask[0, 1, 3, 3].item<float>());
        var identity = block.call(features, torch.arange(4L), 0.3);
        Assert.True(mask.sub(identity).abs().max().item<float>() > 0, "the mask does not depend on the partner's features");
    }

    [Fact]
    public void TheMaskLossIsTheDistanceOfTheOwnShareFromLambdaBeyondTheMargin()
    {
        using var scope = torch.NewDisposeScope();
        var mask = torch.cat(new[] { torch.full(2, 1, 3, 3, 0.7f), torch.full(2, 1, 3, 3, 0.3f) }, 1);   // own share 0.7
        Assert.Equal(0.0, PixelMixBlock.MaskLoss(mask, 0.65, 0.1).item<float>(), 6);
        Assert.Equal(0.1, PixelMixBlock.MaskLoss(mask, 0.5, 0.1).item<float>(), 6);
        Assert.Equal(0.4, PixelMixBlock.MaskLoss(mask, 0.3, 0.0).item<float>(), 6);
    }

    [Fact]
    public void WithLambdaAsAChannelTheTrainedMaskFollowsLambdaAndWithoutItItCannot()
    {
        // The toy problem: random features, λ drawn per step, the block trained on the mask loss alone (no margin).
        (double Low, double High) Train(bool lamConcat)
        {
            using var scope = torch.NewDisposeScope();
            torch.manual_seed(7);
            using var block = new PixelMixBlock(8, lamConcat, scaleFactor: 2);
            using var optimizer = optim.Adam(block.parameters(), 0.05);
            using var g = new Generator(3);
            for (int step = 0; step < 300; step++)
            {
                using var inner = torch.NewDisposeScope();
                double lambda = 0.1 + (0.8 * torch.rand(1, generator: g).item<float>());
                var features = torch.randn(new long[] { 16, 8, 4, 4 }, generator: g);
                var mask = block.call(features, torch.randperm(16, generator: g), lambda);
                optimizer.zero_grad();
                PixelMixBlock.MaskLoss(mask, lambda, 0).backward();
                optimizer.step();
            }

            using var noGrad = torch.no_grad();
            var test = torch.randn(new long[] { 64, 8, 4, 4 }, generator: g);
            var order = torch.randperm(64, generator: g);
            return (block.call(test, order, 0.2).select(1, 0).mean().item<float>(), block.call(test, order, 0.8).select(1, 0).mean().item<float>());
        }

        var (low, high) = Train(lamConcat: true);
        Assert.InRange(low, 0.12, 0.28);
        Assert.InRange(high, 0.72, 0.88);

        // OpenMixup's small-dataset config leaves λ out of the block: its mask is the same whatever λ is.
        var (lowWithout, highWithout) = Train(lamConcat: false);
        Assert.Equal(lowWithout, highWithout);
    }
}
