using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using MixupSharp.Distortion;
using MixupSharp.Losses;
using MixupSharp.Policies;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using MixupSharp.Training;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Options;
using MixupSharp.Training.Runs;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Training;

/// <summary>The policy augmentations in training: --policy before the method, --jsd-views augmix, the CLI's checks, preview and compare.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class PolicyTrainingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-policy-").FullName;
    private readonly string _data;

    public PolicyTrainingTests()
    {
        _data = Path.Combine(_dir, "data");
        DataFiles.WriteCifar10(_data, perBatch: 8, testCount: 12);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[] Shared(params string[] more) =>
        new[] { "--dataset", "cifar10", "--data-dir", _data, "--model", "fast-resnet", "--batch-size", "16", "--threads", "2", "--epochs", "1" }.Concat(more).ToArray();

    private static TrainingOptions Parse(params string[] args)
    {
        var options = new TrainingOptions();
        MixupSharp.Cli.TrainCommand.Options(() => options, o => options = o, _ => { }).Parse(args);
        options.Validate();
        return options;
    }

    [Theory]
    [InlineData("randaugment", "RandAugment")]
    [InlineData("trivialaugment", "TrivialAugmentWide")]
    [InlineData("autoaugment", "AutoAugment")]
    [InlineData("augmix", "AugMix")]
    public void ThePolicyRunsAfterCropAndFlipAndBeforeTheMethod(string policy, string step)
    {
        var o = Parse("--dataset", "cifar10", "--policy", policy, "--method", "mixup");
        var pipelines = new RunPipelines(o, 10, 32, new Normalize(new[] { 0.0, 0.0, 0.0 }, new[] { 1.0, 1.0, 1.0 }));
        using var scope = torch.NewDisposeScope();
        using var result = pipelines.WithMethod.Apply(torch.rand(new long[] { 8, 3, 32, 32 }, generator: new Generator(1)), torch.arange(8L), new Generator(2));
        Assert.Equal(new[] { "RandomCrop", "RandomHorizontalFlip", step, "Mixup", "Normalize" }, result.Parameters.Steps.Select(s => s.Step));

        // With the method off (--mixup-off-epoch), the policy stays, as crop/flip do.
        using var off = pipelines.WithoutMethod.Apply(torch.rand(new long[] { 8, 3, 32, 32 }, generator: new Generator(1)), torch.arange(8L), new Generator(2));
        Assert.Equal(new[] { "RandomCrop", "RandomHorizontalFlip", step, "Normalize" }, off.Parameters.Steps.Select(s => s.Step));
    }

    [Fact]
    public void ThePolicysOptionsReachTheLibrary()
    {
        IDisposable Draw(params string[] args)
        {
            var o = Parse(args.Concat(new[] { "--no-standard-aug" }).ToArray());
            var pipeline = new RunPipelines(o, 10, 32, new Normalize(new[] { 0.0 }, new[] { 1.0 })).WithMethod;
            using var images = torch.rand(new long[] { 64, 1, 32, 32 }, generator: new Generator(1));
            using var labels = torch.arange(64L) % 10;
            var result = pipeline.Apply(images, labels, new Generator(2));
            return result.Parameters.Steps[0].Values!;
        }

        var ra = (PolicyParameters)Draw("--policy", "randaugment", "--ra-ops", "3", "--ra-magnitude", "14");
        var space = AugmentationSpace.RandAugment(31, 32, 32);
        Assert.Equal(3, ra.Steps);
        var raOps = T.L(ra.Ops);
        Assert.All(raOps.Zip(T.D(ra.Magnitudes)), p => Assert.Equal(space[(PolicyOp)p.First].At(14), Math.Abs(p.Second)));

        var aa = (PolicyParameters)Draw("--policy", "autoaugment", "--aa-policy", "svhn");
        var svhn = AutoAugmentPolicies.Of(AutoAugmentPolicy.Svhn).SelectMany(s => s).Select(s => s.Op).Append(PolicyOp.Identity).ToHashSet();
        Assert.All(T.L(aa.Ops), op => Assert.Contains((PolicyOp)op, svhn));
        Assert.Contains(PolicyOp.Invert, T.L(aa.Ops).Select(op => (PolicyOp)op));

        var am = (AugMixParameters)Draw("--policy", "augmix", "--augmix-severity", "2", "--augmix-width", "2");
        Assert.Equal(new long[] { 64, 2 }, am.ChainWeights.shape);
        var mixSpace = AugmentationSpace.AugMix(32, 32);
        var amOps = T.L(am.Ops);
        Assert.All(amOps.Zip(T.D(am.Magnitudes)), p => Assert.True(
            (PolicyOp)p.First == PolicyOp.Identity ? p.Second == 0 : Math.Abs(p.Second) == mixSpace[(PolicyOp)p.First].At(0) || Math.Abs(p.Second) == mixSpace[(PolicyOp)p.First].At(1),
            $"{(PolicyOp)p.First} {p.Second} is not in the first two bins (severity 2)"));
        Assert.Null(RunPolicies.Step(Parse()));
    }

    /// <summary>With --jsd-views augmix the two consistency views are AugMix draws of the (cropped) batch, normalized.</summary>
    [Fact]
    public void TheAugMixViewsAreTwoAugMixDraws()
    {
        var o = Parse("--dataset", "cifar10", "--jsd-weight", "12", "--jsd-views", "augmix", "--augmix-severity", "4", "--no-standard-aug");
        var normalize = new Normalize(new[] { 0.5, 0.5, 0.5 }, new[] { 0.25, 0.25, 0.25 });
        var pipelines = new RunPipelines(o, 10, 32, normalize);
        using var scope = torch.NewDisposeScope();
        var images = torch.rand(new long[] { 6, 3, 32, 32 }, generator: new Generator(5));
        var labels = torch.arange(6L);
        Tensor Logits(Tensor x) => x.flatten(1).narrow(1, 0, 10) * 3;
        var cleanLogits = torch.zeros(6, 10);
        using var clean = pipelines.WithMethod.Apply(images, labels, new Generator(1));
        double ours = pipelines.Consistency(Logits, images, labels, clean, cleanLogits, new Generator(9)).item<float>();

        var augmix = new AugMix(new AugMixOptions { Severity = 4 });
        using var g = new Generator(9);
        using var first = augmix.Apply(images, g);
        using var second = augmix.Apply(images, g);
        double expected = JensenShannonConsistency.Compute(12, cleanLogits, Logits(normalize.Transform(first.Inputs)), Logits(normalize.Transform(second.Inputs))).item<float>();
        Assert.Equal(expected, ours, 6);
    }

    [Fact]
    public void APolicyWithAMethodTrainsRecordsItselfAndChangesTheHashWhileNoPolicyKeepsIt()
    {
        string run = Path.Combine(_dir, "ta-mixup");
        var r = CliRunner.Run(new[] { "train", "--policy", "trivialaugment", "--method", "mixup", "--out", run }.Concat(Shared()).ToArray());
        Assert.True(r.Code == 0, r.Err + r.Out);
        using var config = JsonDocument.Parse(File.ReadAllText(new RunFolder(run).ConfigPath));
        Assert.Equal("trivialaugment", config.RootElement.GetProperty("policy").GetString());

        var plain = Parse(Shared("--method", "mixup"));
        Assert.NotEqual(ConfigFingerprint.Of(plain), ConfigFingerprint.Of(plain with { Policy = TrainingPolicy.TrivialAugment }));
        Assert.Equal(ConfigFingerprint.Of(plain), ConfigFingerprint.Of(plain with { Policy = TrainingPolicy.None, RaOps = 2, AugmixWidth = 3 }));

        string jsd = Path.Combine(_dir, "jsd-augmix");
        var j = CliRunner.Run(new[] { "train", "--jsd-weight", "12", "--jsd-views", "augmix", "--out", jsd }.Concat(Shared()).ToArray());
        Assert.True(j.Code == 0, j.Err + j.Out);
    }

    [Theory]
    [InlineData("--policy=bogus", "--policy must be none, randaugment, trivialaugment, autoaugment or augmix; got 'bogus'.")]
    [InlineData("--ra-ops=3", "--ra-ops applies to --policy randaugment; got --policy none.")]
    [InlineData("--aa-policy=cifar10", "--aa-policy applies to --policy autoaugment; got --policy none.")]
    [InlineData("--augmix-width=2", "--augmix-width applies to --policy augmix or --jsd-views augmix; got --policy none.")]
    [InlineData("--jsd-views=augmix", "--jsd-views needs --jsd-weight > 0 (the views feed the Jensen–Shannon term).")]
    [InlineData("--aa-policy=imagenet2", "--aa-policy must be imagenet, cifar10 or svhn; got 'imagenet2'.")]
    public void BadPolicyOptionsAreOneLineAndExitTwo(string option, string message)
    {
        var r = CliRunner.Run("train", option, "--out", Path.Combine(_dir, "never"));
        Assert.Equal(2, r.Code);
        Assert.Equal("error: " + message, r.Err.Trim());
        Assert.False(Directory.Exists(Path.Combine(_dir, "never")));
    }

    [Fact]
    public void RaMagnitudeOutOfRangeNamesTheRange()
    {
        var r = CliRunner.Run("train", "--policy", "randaugment", "--ra-magnitude", "31");
        Assert.Equal(2, r.Code);
        Assert.Contains("--ra-magnitude must be a bin 0–30 (of 31); got 31.", r.Err);
    }

    [Fact]
    public void PreviewShowsAPolicyAloneAndBeforeAMethod()
    {
        string alone = Path.Combine(_dir, "ra.png");
        var r = CliRunner.Run("preview", "--dataset", "cifar10", "--data-dir", _data, "--policy", "randaugment", "--count", "4", "--out", alone);
        Assert.True(r.Code == 0, r.Err + r.Out);
        Assert.True(new FileInfo(alone).Length > 1000);
        Assert.Contains("with randaugment", r.Out);
        Assert.DoesNotContain("λ", r.Out);

        string both = Path.Combine(_dir, "am-cutmix.png");
        var m = CliRunner.Run("preview", "--dataset", "cifar10", "--data-dir", _data, "--policy", "augmix", "--method", "cutmix", "--count", "4", "--out", both);
        Assert.True(m.Code == 0, m.Err + m.Out);
        Assert.Contains("with augmix-cutmix", m.Out);
        Assert.Contains("AugMix m ", m.Out);
        Assert.Contains("CutMix λ", m.Out);
    }

    [Fact]
    public void CompareTakesPoliciesFromTheVariantsFile()
    {
        string grid = Path.Combine(_dir, "grid.json");
        File.WriteAllText(grid, """[{"name": "erm", "method": "erm"}, {"name": "ta-mixup", "method": "mixup", "policy": "trivialaugment"}, {"name": "ra", "policy": "randaugment", "ra-magnitude": 5}]""");
        string outDir = Path.Combine(_dir, "grid");
        var r = CliRunner.Run(new[] { "compare", "--variants", grid, "--seeds", "1", "--out", outDir }.Concat(Shared()).ToArray());
        Assert.True(r.Code == 0, r.Err + r.Out);
        using var config = JsonDocument.Parse(File.ReadAllText(new RunFolder(Path.Combine(outDir, "ra", "s1")).ConfigPath));
        Assert.Equal(5, config.RootElement.GetProperty("ra-magnitude").GetInt32());
    }
}
