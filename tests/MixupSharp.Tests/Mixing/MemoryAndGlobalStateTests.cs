using MixupSharp.Losses;
using MixupSharp.Mixing;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Mixing;

/// <summary>No tensor leaks (counted by TorchSharp's dispose-scope statistics), and the default generator path.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class MemoryAndGlobalStateTests
{
    private static long Live() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    [Fact]
    public void ApplyAndDisposeLeavesNoLiveTensors()
    {
        using var g = new Generator(1);
        using var x = torch.randn(new long[] { 8, 3, 16, 16 }, generator: g);
        using var y = torch.randint(5, new long[] { 8 }, generator: g);
        var mixers = new System.Func<MixedBatch>[]
        {
            () => new Mixup(5, new MixupOptions { Mode = MixMode.PerSample }).Apply(x, y, g),
            () => new CutMix(5, new CutMixOptions { Mode = MixMode.PerPair }).Apply(x, y, g),
            () => new MixupOrCutMix(5, new MixupOrCutMixOptions { Mode = MixMode.PerSample, LabelSmoothing = 0.1 }).Apply(x, y, g),
        };
        foreach (var mix in mixers)
        {
            mix().Dispose();   // warm up any lazily created state
            long before = Live();
            for (int i = 0; i < 20; i++)
            {
                using var batch = mix();
                using var replay = new Mixup(5).Apply(x, y, new MixParameters(torch.ones(new long[] { 8 }, dtype: ScalarType.Float64), torch.arange(8L)));
                replay.Parameters.Dispose();
            }

            Assert.Equal(before, Live());
        }
    }

    [Fact]
    public void InsideAStepScopeEverythingIsCollected()
    {
        using var g = new Generator(2);
        using var x = torch.randn(new long[] { 8, 3, 8, 8 }, generator: g);
        using var y = torch.randint(4, new long[] { 8 }, generator: g);
        var cutmix = new CutMix(4);
        var loss = new SoftTargetCrossEntropy();
        long before = Live();
        for (int step = 0; step < 30; step++)
        {
            using var scope = torch.NewDisposeScope();
            var batch = cutmix.Apply(x, y, g);
            var logits = batch.Inputs.flatten(1).narrow(1, 0, 4);
            loss.call(logits, batch.Targets).item<float>();
            batch.Parameters.Dispose();
        }

        Assert.Equal(before, Live());
    }

    [Fact]
    public void FailedCallsLeakNothing()
    {
        using var x = torch.randn(4, 3);
        using var y = torch.tensor(new long[] { 0, 1, 9, 1 });
        long before = Live();
        for (int i = 0; i < 10; i++)
        {
            Assert.ThrowsAny<System.ArgumentException>(() => new Mixup(3).Apply(x, y));
        }

        Assert.Equal(before, Live());
    }

    [Fact]
    public void DefaultGeneratorIsUsedWhenNoneIsGivenAndIsReproducibleByManualSeed()
    {
        using var x = torch.randn(6, 3);
        using var y = torch.tensor(new long[] { 0, 1, 0, 1, 0, 1 });
        var mixup = new Mixup(2, new MixupOptions { Mode = MixMode.PerSample });
        torch.manual_seed(99);
        using var a = mixup.Apply(x, y);
        torch.manual_seed(99);
        using var b = mixup.Apply(x, y);
        T.SameBytes(a.Inputs, b.Inputs);
        Assert.Equal(a.Parameters.LambdaValues(), b.Parameters.LambdaValues());
    }
}
