using System;
using System.Collections.Generic;
using System.Linq;
using MixupSharp.Distortion;
using MixupSharp.Policies;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Policies;

/// <summary>The policy augmentations: identities, replay, seeds, the statistics of the draws, AugMix's convexity, bad input.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class PolicyTests
{
    public static IEnumerable<object[]> Policies()
    {
        yield return new object[] { "RandAugment", new RandAugment() };
        yield return new object[] { "RandAugment-noise", new RandAugment(new RandAugmentOptions { NumOps = 3, Magnitude = 12, MagnitudeStd = 2.5 }) };
        yield return new object[] { "TrivialAugmentWide", new TrivialAugmentWide() };
        yield return new object[] { "AutoAugment-cifar10", new AutoAugment(new AutoAugmentOptions { Policy = AutoAugmentPolicy.Cifar10 }) };
        yield return new object[] { "AutoAugment-svhn-bilinear", new AutoAugment(new AutoAugmentOptions { Policy = AutoAugmentPolicy.Svhn, Interpolation = Interpolation.Bilinear }) };
    }

    /// <summary>Images on the 8-bit grid (as loaded data are), in [0, 1].</summary>
    private static Tensor Images(long n = 16, long c = 3, long h = 20, long w = 24, long seed = 7)
    {
        using var g = new Generator((ulong)seed);
        return torch.randint(0, 256, new[] { n, c, h, w }, generator: g).to_type(ScalarType.Float32) / 255.0;
    }

    [Theory]
    [InlineData(PolicyOp.Identity, 0.0)]
    [InlineData(PolicyOp.ShearX, 0.0)]
    [InlineData(PolicyOp.ShearY, 0.0)]
    [InlineData(PolicyOp.TranslateX, 0.9)]
    [InlineData(PolicyOp.TranslateY, -0.9)]
    [InlineData(PolicyOp.Rotate, 0.0)]
    [InlineData(PolicyOp.Brightness, 0.0)]
    [InlineData(PolicyOp.Color, 0.0)]
    [InlineData(PolicyOp.Contrast, 0.0)]
    [InlineData(PolicyOp.Sharpness, 0.0)]
    [InlineData(PolicyOp.Posterize, 8.0)]
    public void TheNeutralMagnitudeGivesTheInputBack(PolicyOp op, double magnitude)
    {
        using var x = Images();
        using var y = ImageOps.Apply(x, op, Enumerable.Repeat(magnitude, 16).ToArray());
        T.SameBytes(x, y);
    }

    [Fact]
    public void TheOperationsChangeTheImagesAwayFromTheirNeutralMagnitude()
    {
        using var x = Images();
        foreach (var (op, m) in new[] { (PolicyOp.ShearX, 0.3), (PolicyOp.ShearY, -0.3), (PolicyOp.TranslateX, 5.0), (PolicyOp.TranslateY, -5.0), (PolicyOp.Rotate, 30.0), (PolicyOp.Brightness, 0.5), (PolicyOp.Color, -0.5), (PolicyOp.Contrast, 0.5), (PolicyOp.Sharpness, 0.9), (PolicyOp.Posterize, 2.0), (PolicyOp.Solarize, 128.0), (PolicyOp.AutoContrast, 0.0), (PolicyOp.Equalize, 0.0), (PolicyOp.Invert, 0.0) })
        {
            using var y = ImageOps.Apply(x, op, Enumerable.Repeat(m, 16).ToArray());
            Assert.True(!T.Bytes(x).SequenceEqual(T.Bytes(y)), $"{op}({m}) left the batch unchanged");
            Assert.Equal(x.shape, y.shape);
            Assert.True(y.min().item<float>() >= 0 && y.max().item<float>() <= 1, $"{op}({m}) left [0, 1]");
        }
    }

    /// <summary>Golden values by hand: Posterize keeps the top bits, Solarize inverts at and above m/255, Translate moves whole pixels.</summary>
    [Fact]
    public void GoldenValuesOnATinyImage()
    {
        using var x = torch.tensor(new float[] { 0, 64, 130, 255 }, new long[] { 1, 1, 2, 2 }) / 255.0;
        float[] Levels(PolicyOp op, double m)
        {
            using var y = ImageOps.Apply(x, op, new[] { m });
            return T.F(y * 255.0).Select(v => MathF.Round(v)).ToArray();
        }

        Assert.Equal(new float[] { 0, 64, 128, 192 }, Levels(PolicyOp.Posterize, 2.0));
        Assert.Equal(new float[] { 0, 64, 125, 0 }, Levels(PolicyOp.Solarize, 130.0));
        Assert.Equal(new float[] { 0, 0, 0, 130 }, Levels(PolicyOp.TranslateX, 1.7));
        Assert.Equal(new float[] { 0, 0, 0, 64 }, Levels(PolicyOp.TranslateY, 1.2));
        Assert.Equal(new float[] { 255, 191, 125, 0 }, Levels(PolicyOp.Invert, 0.0));

        // A range 64–130 stretched to 0–255.
        using var narrow = torch.tensor(new float[] { 64, 64, 130, 130 }, new long[] { 1, 1, 2, 2 }) / 255.0;
        Assert.Equal(new float[] { 0, 0, 255, 255 }, T.F(ImageOps.Apply(narrow, PolicyOp.AutoContrast, new[] { 0.0 }) * 255.0).Select(v => MathF.Round(v)).ToArray());
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void TheRecordedDrawReplaysByteExactly(string name, PolicyAugmentation policy)
    {
        using var g = new Generator(11);
        using var x = Images();
        using var first = policy.Apply(x, g);
        using var replay = policy.Apply(x, first.Parameters);
        T.SameBytes(first.Inputs, replay.Inputs);
        Assert.Equal(16, first.Parameters.Ops.shape[0]);
        Assert.NotNull(name);
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void TheSameSeedGivesTheSameBytesAndAnotherSeedAnotherDraw(string name, PolicyAugmentation policy)
    {
        using var x = Images();
        byte[] Run(ulong seed)
        {
            using var g = new Generator(seed);
            using var r = policy.Apply(x, g);
            return T.Bytes(r.Inputs);
        }

        Assert.Equal(Run(5), Run(5));
        Assert.NotEqual(Run(5), Run(6));
        Assert.NotNull(name);
    }

    /// <summary>Grouping per operation gives what applying each sample's chain on its own gives.</summary>
    [Theory]
    [MemberData(nameof(Policies))]
    public void GroupedApplicationEqualsPerSampleApplication(string name, PolicyAugmentation policy)
    {
        using var g = new Generator(3);
        using var x = Images(n: 12);
        using var batch = policy.Apply(x, g);
        var p = batch.Parameters;
        for (long i = 0; i < 12; i++)
        {
            using var scope = torch.NewDisposeScope();
            var one = x.narrow(0, i, 1);
            for (int s = 0; s < p.Steps; s++)
            {
                one = ImageOps.Apply(one, p.Op(i, s), new[] { p.Magnitude(i, s) }, policy.Interpolation);
            }

            T.Close(one, batch.Inputs.narrow(0, i, 1), 1e-6);
        }

        Assert.NotNull(name);
    }

    /// <summary>RandAugment and TrivialAugmentWide draw every operation of their space equally often (chi-square, p = 0.001).</summary>
    [Fact]
    public void OperationDrawsAreUniform()
    {
        using var g = new Generator(21);
        foreach (var (policy, space) in new (PolicyAugmentation, AugmentationSpace)[] { (new RandAugment(), AugmentationSpace.RandAugment(31, 32, 32)), (new TrivialAugmentWide(), AugmentationSpace.TrivialAugmentWide(31)) })
        {
            using var draw = policy.Sample(new long[] { 3000, 3, 32, 32 }, g);
            var counts = T.L(draw.Ops).GroupBy(v => v).ToDictionary(k => (PolicyOp)k.Key, k => k.Count());
            Assert.Equal(space.Ops.Select(o => o.Op).OrderBy(o => o), counts.Keys.OrderBy(o => o));
            double expected = (double)draw.Ops.numel() / space.Ops.Count;
            double chi = counts.Values.Sum(c => (c - expected) * (c - expected) / expected);

            // 14 operations: 13 degrees of freedom, whose 0.999 quantile is 34.53.
            Assert.True(chi < 34.53, $"{policy.GetType().Name}: chi-square {chi:F2} over {space.Ops.Count} operations");
        }
    }

    [Fact]
    public void RandAugmentUsesItsMagnitudeWithARandomSign()
    {
        using var g = new Generator(2);
        var space = AugmentationSpace.RandAugment(31, 32, 32);
        using var draw = new RandAugment(new RandAugmentOptions { Magnitude = 20 }).Sample(new long[] { 400, 3, 32, 32 }, g);
        var ops = T.L(draw.Ops);
        var magnitudes = T.D(draw.Magnitudes);
        int negative = 0, signed = 0;
        for (int k = 0; k < ops.Length; k++)
        {
            var range = space[(PolicyOp)ops[k]];
            Assert.Equal(range.At(20), Math.Abs(magnitudes[k]));
            if (range.Signed && range.At(20) != 0)
            {
                signed++;
                negative += magnitudes[k] < 0 ? 1 : 0;
            }
        }

        Assert.InRange(negative / (double)signed, 0.42, 0.58);
    }

    [Fact]
    public void AutoAugmentDrawsOnlyItsPolicysSubPoliciesAndSkipsStepsByTheirProbability()
    {
        using var g = new Generator(4);
        var policies = AutoAugmentPolicies.Of(AutoAugmentPolicy.ImageNet);
        using var draw = new AutoAugment().Sample(new long[] { 4000, 3, 32, 32 }, g);
        var ops = T.L(draw.Ops);
        int applied = 0;
        for (int i = 0; i < 4000; i++)
        {
            var (a, b) = ((PolicyOp)ops[2 * i], (PolicyOp)ops[(2 * i) + 1]);
            Assert.Contains(policies, sub => (a == PolicyOp.Identity || a == sub[0].Op) && (b == PolicyOp.Identity || b == sub[1].Op));
            applied += (a != PolicyOp.Identity ? 1 : 0) + (b != PolicyOp.Identity ? 1 : 0);
        }

        // Expected share of applied steps: the mean of the 50 step probabilities (±4 standard errors).
        double p = policies.SelectMany(s => s).Average(s => s.Probability);
        double se = Math.Sqrt(p * (1 - p) / 8000);
        Assert.InRange(applied / 8000.0, p - (4 * se), p + (4 * se));
    }

    [Fact]
    public void AugMixIsAConvexCombinationWhoseWeightsSumToOne()
    {
        using var g = new Generator(8);
        using var x = Images(n: 10);
        var augmix = new AugMix(new AugMixOptions { Severity = 6, Width = 4 });
        using var batch = augmix.Apply(x, g);
        var p = batch.Parameters;
        var original = T.D(p.OriginalWeights);
        var chains = T.D(p.ChainWeights);
        for (int i = 0; i < 10; i++)
        {
            double sum = original[i] + chains.Skip(4 * i).Take(4).Sum();
            Assert.True(Math.Abs(sum - 1) < 1e-12, $"sample {i}: weights sum to {sum}");
            Assert.All(chains.Skip(4 * i).Take(4).Append(original[i]), w => Assert.InRange(w, 0, 1));
        }

        Assert.True(batch.Inputs.min().item<float>() >= 0 && batch.Inputs.max().item<float>() <= 1);

        // The result is m·x + Σ wᵢ·chainᵢ(x), chains recomputed sample by sample.
        var ops = T.L(p.Ops);
        var magnitudes = T.D(p.Magnitudes);
        for (long i = 0; i < 10; i++)
        {
            using var scope = torch.NewDisposeScope();
            var xi = x.narrow(0, i, 1);
            var expected = original[i] * xi;
            for (int c = 0; c < 4; c++)
            {
                var chain = xi;
                for (int s = 0; s < 3; s++)
                {
                    long k = (((i * 4) + c) * 3) + s;
                    chain = ImageOps.Apply(chain, (PolicyOp)ops[k], new[] { magnitudes[k] }, Interpolation.Bilinear);
                }

                expected = expected + (chains[(i * 4) + c] * chain);
            }

            T.Close(expected, batch.Inputs.narrow(0, i, 1), 1e-5);
        }

        using var replay = augmix.Apply(x, p);
        T.SameBytes(batch.Inputs, replay.Inputs);
    }

    [Fact]
    public void AugMixChainsHaveDepthOneToThreeAndSeverityBoundsTheMagnitudes()
    {
        using var g = new Generator(9);
        using var draw = new AugMix(new AugMixOptions { Severity = 2 }).Sample(new long[] { 2000, 3, 30, 30 }, g);
        var ops = T.L(draw.Ops);
        var magnitudes = T.D(draw.Magnitudes);
        var space = AugmentationSpace.AugMix(30, 30);
        var depths = new int[4];
        for (int chain = 0; chain < 2000 * 3; chain++)
        {
            int depth = Enumerable.Range(0, 3).Count(s => (PolicyOp)ops[(chain * 3) + s] != PolicyOp.Identity);
            Assert.True(Enumerable.Range(0, depth).All(s => (PolicyOp)ops[(chain * 3) + s] != PolicyOp.Identity), "a chain's operations come first");
            depths[depth]++;
            for (int s = 0; s < depth; s++)
            {
                var range = space[(PolicyOp)ops[(chain * 3) + s]];
                Assert.Contains(Math.Abs(magnitudes[(chain * 3) + s]), new[] { range.At(0), range.At(1) });
            }
        }

        Assert.Equal(0, depths[0]);
        Assert.All(depths.Skip(1), d => Assert.InRange(d, 1800, 2200));
    }

    /// <summary>A pipeline's policy draws round-trip through JSON and replay to the same bytes.</summary>
    [Fact]
    public void PolicyDrawsRoundTripThroughPipelineJson()
    {
        var pipeline = new MixupSharp.Pipelines.AugmentationPipeline(10,
            MixupSharp.Pipelines.PipelineStep.Of(new RandAugment(new RandAugmentOptions { MagnitudeStd = 1 })),
            MixupSharp.Pipelines.PipelineStep.Of(new AugMix()));
        using var x = Images(n: 6);
        using var y = torch.arange(6L);
        using var g = new Generator(12);
        using var first = pipeline.Apply(x, y, g);
        using var read = MixupSharp.Pipelines.PipelineParameters.FromJson(first.Parameters.ToJson());
        using var again = pipeline.Apply(x, y, read);
        T.SameBytes(first.Inputs, again.Inputs);
    }

    [Fact]
    public void BadInputIsAnArgumentExceptionNamingWhatCame()
    {
        using var x = Images(n: 2);
        using var chw = torch.rand(3, 8, 8);
        using var two = torch.rand(2, 2, 8, 8);
        using var bytes = torch.zeros(new long[] { 2, 3, 8, 8 }, dtype: ScalarType.Byte);
        Assert.Contains("[3, 8, 8]", Assert.Throws<ArgumentException>(() => new TrivialAugmentWide().Apply(chw)).Message);
        Assert.Contains("1 or 3 channels", Assert.Throws<ArgumentException>(() => new RandAugment().Apply(two)).Message);
        Assert.Contains("Byte", Assert.Throws<ArgumentException>(() => new AugMix().Apply(bytes)).Message);
        Assert.Contains("got 9", Assert.Throws<ArgumentException>(() => ImageOps.Apply(x, PolicyOp.Posterize, new[] { 9.0, 1.0 })).Message);
        Assert.Contains("got -2", Assert.Throws<ArgumentException>(() => ImageOps.Apply(x, PolicyOp.Brightness, new[] { -2.0, 0.0 })).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => ImageOps.Apply(x, PolicyOp.Rotate, new[] { double.NaN, 0.0 })).Message);
        Assert.Contains("got 1", Assert.Throws<ArgumentException>(() => ImageOps.Apply(x, PolicyOp.Rotate, new[] { 1.0 })).Message);
        Assert.Contains("99", Assert.Throws<ArgumentOutOfRangeException>(() => ImageOps.Apply(x, (PolicyOp)99, new[] { 0.0, 0.0 })).Message);
        Assert.Contains("99", Assert.Throws<ArgumentOutOfRangeException>(() => new AutoAugment(new AutoAugmentOptions { Policy = (AutoAugmentPolicy)99 })).Message);
        Assert.Contains("got 31", Assert.Throws<ArgumentOutOfRangeException>(() => new RandAugment(new RandAugmentOptions { Magnitude = 31 })).Message);
        Assert.Contains("got 11", Assert.Throws<ArgumentOutOfRangeException>(() => new AugMix(new AugMixOptions { Severity = 11 })).Message);
        Assert.Contains("got 0", Assert.Throws<ArgumentOutOfRangeException>(() => new AugMix(new AugMixOptions { Depth = 0 })).Message);
        Assert.Contains("got 0", Assert.Throws<ArgumentOutOfRangeException>(() => new AugMix(new AugMixOptions { Alpha = 0 })).Message);
        Assert.Contains("got 1", Assert.Throws<ArgumentOutOfRangeException>(() => new TrivialAugmentWide(new TrivialAugmentWideOptions { NumMagnitudeBins = 1 })).Message);

        // A replayed draw whose shape or content does not fit the batch.
        using var g = new Generator(1);
        using var draw = new RandAugment().Sample(new long[] { 3, 3, 8, 8 }, g);
        Assert.Contains("one chain per sample (2)", Assert.Throws<ArgumentException>(() => new RandAugment().Apply(x, draw)).Message);
        Assert.Contains("PolicyOp values", Assert.Throws<ArgumentException>(() => new PolicyParameters(torch.full(new long[] { 2, 1 }, 40L), torch.zeros(2, 1, dtype: ScalarType.Float64))).Message);
        Assert.Contains("Float64", Assert.Throws<ArgumentException>(() => new PolicyParameters(torch.zeros(new long[] { 2, 1 }, dtype: ScalarType.Int64), torch.zeros(2, 1))).Message);
    }
}
