using System;
using System.IO;
using System.Linq;
using MixupSharp.Tests.Support;
using MixupSharp.Training;
using MixupSharp.Training.Models;
using MixupSharp.Training.Options;
using MixupSharp.Training.Runs;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Training;

/// <summary>
/// Stochastic depth (--drop-path): torchvision's row mode in training, the identity in evaluation, the linear rule across
/// blocks, and a resumed run that drops the same blocks as an uninterrupted one.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class StochasticDepthTests : IDisposable
{
    private readonly TinyCifar _cifar = new("mixupsharp-droppath-");

    public void Dispose() => _cifar.Dispose();

    [Fact]
    public void EachRowIsDroppedWithProbabilityPAndTheKeptOnesScaledByOneOverOneMinusP()
    {
        torch.manual_seed(3);
        using var drop = new StochasticDepth(0.3);
        using var x = torch.ones(20_000, 4, 2, 2);
        drop.train();
        using var y = drop.call(x);
        using var rows = y.flatten(1);
        // Every row is all zeros or all 1/(1 − p): the whole residual branch of a sample goes, never single values.
        Assert.True((rows.amax(1) == rows.amin(1)).all().all().item<bool>());
        double dropped = (rows[.., 0] == 0).to_type(ScalarType.Float64).mean().item<double>();
        double sd = Math.Sqrt(0.3 * 0.7 / 20_000);
        Assert.InRange(dropped, 0.3 - (5 * sd), 0.3 + (5 * sd));
        Assert.Equal(1 / 0.7, rows.amax().item<float>(), 5);

        drop.eval();
        using var same = drop.call(x);
        Assert.True(torch.equal(same, x).all().item<bool>());
        Assert.Throws<ArgumentOutOfRangeException>(() => new StochasticDepth(1));
    }

    [Theory]
    [InlineData("convnext-tiny")]
    [InlineData("deit-tiny")]
    public void TheRateDoesNotChangeTheEvaluationForwardButVariesTraining(string name)
    {
        using var plain = ModelFactory.Create(name, 3, 32, 10);
        Assert.All(plain.state_dict(), kv => Assert.True(torch.isfinite(kv.Value).all().item<bool>(), $"{kv.Key} is not finite at initialization"));
        using (torch.no_grad())
        {
            // ConvNeXt's layer scales start at 1e-6, where a dropped branch is below float32's resolution: make them 1.
            foreach (var (_, p) in plain.named_parameters().Where(p => p.name.EndsWith("layer_scale", StringComparison.Ordinal)))
            {
                p.fill_(1);
            }
        }

        using var dropping = ModelFactory.Create(name, 3, 32, 10, dropPath: 0.5);
        dropping.load_state_dict(plain.state_dict());
        using var x = torch.rand(4, 3, 32, 32, generator: new Generator(4));
        using var noGrad = torch.no_grad();
        plain.eval();
        dropping.eval();
        using var a = plain.call(x);
        using var b = dropping.call(x);
        Assert.True(torch.equal(a, b).all().item<bool>(), $"max diff {(a - b).abs().max().item<float>()} of {a.abs().max().item<float>()}");
        dropping.train();
        // The head's input, not the logits: torchvision zero-initializes the ViT head, so its logits are all 0.
        int head = dropping.MixablePoints - 1;
        using var first = dropping.ForwardTo(x, head);
        using var second = dropping.ForwardTo(x, head);
        Assert.False(torch.equal(first, second).all().item<bool>(), "training draws new blocks to drop on every call");
    }

    [Fact]
    public void ARunWithDropPathResumesExactly()
    {
        string[] common = { "--model", "deit-tiny", "--drop-path", "0.2", "--optimizer", "adamw", "--lr", "0.001" };
        string straight = Path.Combine(_cifar.Dir, "straight");
        var whole = CliRunner.Run(_cifar.Train(straight, common.Concat(new[] { "--epochs", "2" }).ToArray()).Select(a => a == "fast-resnet" ? "deit-tiny" : a).ToArray());
        Assert.True(whole.Code == 0, whole.Err);
        var config = new RunFolder(straight).ReadConfig().Options;
        Assert.Equal(0.2, config.DropPath);

        StopAfterFirstEpoch.AssertResumeMatches(config, _cifar.Dir, "straight", "split");
    }

    [Fact]
    public void DropPathOnAModelWithoutStochasticDepthIsAUsageError()
    {
        CliAssert.UsageError(CliRunner.Run(_cifar.Train(Path.Combine(_cifar.Dir, "x"), "--epochs", "1", "--drop-path", "0.1")), "--drop-path applies to convnext-tiny, vit-b-16 and deit-tiny; fast-resnet has no stochastic depth.");
        CliAssert.UsageError(CliRunner.Run(_cifar.Train(Path.Combine(_cifar.Dir, "x"), "--epochs", "1", "--model", "deit-tiny", "--drop-path", "1")), "--drop-path must be a rate in [0, 1); got 1.");
    }

}
