using System;
using System.IO;
using System.Linq;
using MixupSharp.Composite;
using MixupSharp.Distortion;
using MixupSharp.Masking;
using MixupSharp.Mixing;
using MixupSharp.Pipelines;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Pipelines;

[Collection(TorchGlobalState.Name)]
public sealed class PipelineTests
{
    private static readonly Normalize Cifar = new(new[] { 0.4914, 0.4822, 0.4465 }, new[] { 0.2023, 0.1994, 0.2010 });

    /// <summary>The example: random crop → flip → RandomErasing → MixupOrCutMix → Normalize.</summary>
    private static AugmentationPipeline Standard() => new(10,
        PipelineStep.Of(new RandomCrop(new RandomCropOptions { Padding = 4 })),
        PipelineStep.Of(new RandomHorizontalFlip()),
        PipelineStep.Of(new RandomErasing()),
        PipelineStep.Of(new MixupOrCutMix(10, new MixupOrCutMixOptions { Mode = MixMode.PerSample })),
        PipelineStep.Of(Cifar));

    private static (Tensor X, Tensor Y) Batch(long n = 16)
    {
        using var g = new Generator(100);
        return (torch.rand(new[] { n, 3, 32, 32 }, generator: g), torch.randint(10, new[] { n }, generator: g));
    }

    [Fact]
    public void StandardPipelineEqualsRunningTheStepsByHand()
    {
        var (x, y) = Batch();
        using var g = new Generator(1);
        using var result = Standard().Apply(x, y, g);
        var steps = result.Parameters.Steps;
        Assert.Equal(new[] { "RandomCrop", "RandomHorizontalFlip", "RandomErasing", "MixupOrCutMix", "Normalize" }, steps.Select(s => s.Step));

        using var cropped = new RandomCrop(new RandomCropOptions { Padding = 4 }).Transform(x, (CropParameters)steps[0].Values!);
        using var flipped = new RandomHorizontalFlip().Transform(cropped, (FlipParameters)steps[1].Values!);
        using var erased = new RandomErasing().Transform(flipped, (MaskParameters)steps[2].Values!);
        using var mixed = new MixupOrCutMix(10, new MixupOrCutMixOptions { Mode = MixMode.PerSample }).Apply(erased, y, (MixParameters)steps[3].Values!);
        using var normalized = Cifar.Transform(mixed.Inputs);
        T.SameBytes(normalized, result.Inputs);
        T.SameBytes(mixed.Targets, result.Targets);
    }

    [Fact]
    public void ReplayAndSameSeedGiveTheSameBytes()
    {
        var (x, y) = Batch();
        var pipeline = Standard();
        using var g1 = new Generator(2);
        using var g2 = new Generator(2);
        using var a = pipeline.Apply(x, y, g1);
        using var b = pipeline.Apply(x, y, g2);
        using var replay = pipeline.Apply(x, y, a.Parameters);
        T.SameBytes(a.Inputs, b.Inputs);
        T.SameBytes(a.Inputs, replay.Inputs);
        T.SameBytes(a.Targets, replay.Targets);
    }

    [Fact]
    public void ParametersRoundTripThroughJsonAndReplayExactly()
    {
        var (x, y) = Batch(8);
        var pipeline = new AugmentationPipeline(10,
            PipelineStep.Of(new RandomCrop()),
            PipelineStep.RandomApply(PipelineStep.Of(new RandomAffine()), 0.5),
            PipelineStep.RandomChoice(new[] { PipelineStep.Of(new Cutout(new CutoutOptions { Size = 8 })), PipelineStep.Of(new GridMask()) }),
            PipelineStep.Of(MaskDistortMix.Create(10, new MaskDistortMixOptions { MixPartners = true, Insertion = SyntheticInsertion.Append })),
            PipelineStep.Of(new CutMix(10)));
        for (ulong seed = 0; seed < 6; seed++)
        {
            using var g = new Generator(seed);
            using var original = pipeline.Apply(x, y, g);
            string json = original.Parameters.ToJson();
            using var read = PipelineParameters.FromJson(json);
            Assert.Equal(json, read.ToJson());
            using var replay = pipeline.Apply(x, y, read);
            T.SameBytes(original.Inputs, replay.Inputs);
            T.SameBytes(original.Targets, replay.Targets);
        }
    }

    [Fact]
    public void ParametersSurviveAFileRoundTrip()
    {
        // Only the file carries the parameters from the first run to the replay (as a log read by another process would).
        var (x, y) = Batch(4);
        var pipeline = Standard();
        string file = Path.Combine(Path.GetTempPath(), $"mixupsharp-params-{Guid.NewGuid():N}.json");
        try
        {
            byte[] expected;
            using (var g = new Generator(3))
            using (var original = pipeline.Apply(x, y, g))
            {
                File.WriteAllText(file, original.Parameters.ToJson());
                expected = T.Bytes(original.Inputs);
            }

            using var read = PipelineParameters.FromJson(File.ReadAllText(file));
            using var replay = pipeline.Apply(x, y, read);
            Assert.Equal(expected, T.Bytes(replay.Inputs));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void RandomApplyFiresAtItsRateAndRandomChoiceFollowsWeights()
    {
        var (x, y) = Batch(2);
        var pipeline = new AugmentationPipeline(10,
            PipelineStep.RandomApply(PipelineStep.Of(new RandomHorizontalFlip(1)), 0.3),
            PipelineStep.RandomChoice(new[] { PipelineStep.Of(new RandomHorizontalFlip(0)), PipelineStep.Of(new RandomHorizontalFlip(1)) }, new[] { 1.0, 3.0 }));
        using var g = new Generator(4);
        int fired = 0, second = 0;
        for (int i = 0; i < 400; i++)
        {
            using var r = pipeline.Apply(x, y, g);
            fired += r.Parameters.Steps[0].Applied ? 1 : 0;
            second += r.Parameters.Steps[1].Choice;
        }

        Assert.InRange(fired, 120 - 40, 120 + 40);
        Assert.InRange(second, 300 - 40, 300 + 40);
    }

    [Fact]
    public void LabelsThatNoMixerTouchedBecomeSmoothedOneHotTargets()
    {
        var (x, y) = Batch(4);
        using var g = new Generator(5);
        using var r = new AugmentationPipeline(10, 0.1, PipelineStep.Of(new RandomHorizontalFlip())).Apply(x, y, g);
        using var expected = SoftTargets.FromIndices(y, 10, 0.1);
        T.SameBytes(expected, r.Targets);
    }

    [Fact]
    public void ReplayingParametersOfAnotherPipelineIsRefusedWithTheStepNames()
    {
        var (x, y) = Batch(4);
        using var g = new Generator(6);
        using var r = new AugmentationPipeline(10, PipelineStep.Of(new RandomHorizontalFlip())).Apply(x, y, g);
        var other = new AugmentationPipeline(10, PipelineStep.Of(new RandomCrop()));
        var e = Assert.ThrowsAny<ArgumentException>(() => other.Apply(x, y, r.Parameters));
        Assert.Contains("RandomHorizontalFlip", e.Message);
        Assert.Contains("RandomCrop", e.Message);
        Assert.Throws<FormatException>(() => PipelineParameters.FromJson("{\"format\": 1}"));
        Assert.Throws<FormatException>(() => PipelineParameters.FromJson("not json"));
    }

    [Fact]
    public void APipelineRunLeavesNoTensorsBehind()
    {
        var (x, y) = Batch(8);
        var pipeline = Standard();
        using var g = new Generator(7);
        pipeline.Apply(x, y, g).Dispose();
        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 10; i++)
        {
            using var r = pipeline.Apply(x, y, g);
        }

        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
