using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using MixupSharp.Distortion;
using MixupSharp.Policies;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Policies;

/// <summary>
/// Every policy operation against torchvision 0.14 itself, through the committed reference outputs (no Python in CI),
/// and our magnitude tables and AutoAugment policies against the ones torchvision exported.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class TorchvisionAgreementTests
{
    private readonly ITestOutputHelper _output;

    public TorchvisionAgreementTests(ITestOutputHelper output) => _output = output;

    /// <summary>
    /// Our float ops on images/255 against torchvision on the same floats (≤ 1e-5; nearest-sampled geometry: the same
    /// pixels on ≥ 99.9%), and against torchvision's uint8 path /255: Posterize, Equalize, Invert, Solarize and the
    /// nearest geometry exactly (≥ 99.9% for geometry), the blends within torchvision's own rounding on uint8 (≤ 2/255:
    /// it truncates the result, and Color, Contrast and Sharpness also quantize the grey image, mean or smoothed image
    /// they blend with, an error the factor 1 − f, up to 1.6 in magnitude, scales).
    /// </summary>
    [Fact]
    public void EveryOperationAgreesWithTorchvision()
    {
        var reference = TorchvisionReference.Load();
        var failures = new List<string>();
        var worst = new SortedDictionary<string, (double MaxDiff, double Identical)>();
        foreach (var c in reference.Cases)
        {
            var (rgb, grey) = c.OffGrid ? (reference.RgbOffGrid, reference.GreyOffGrid) : (reference.Rgb, reference.Grey);
            foreach (var (input, expected) in new[] { (rgb, c.Rgb), (grey, c.Grey) })
            {
                using var scope = torch.NewDisposeScope();
                var ours = ImageOps.Apply(input, c.Op, Enumerable.Repeat(c.Magnitude, (int)input.shape[0]).ToArray(), c.Interpolation);
                var theirs = c.Uint8Input ? expected / 255.0 : expected;
                var diff = (ours - theirs).abs();
                double max = diff.max().item<float>();
                double identical = (diff <= 1e-6).to_type(ScalarType.Float64).mean().item<double>();
                string key = $"{c.Op} {(c.Uint8Input ? "uint8" : c.OffGrid ? "off-grid float" : "float")}{(c.Geometric ? $" {c.Interpolation}".ToLowerInvariant() : "")}";
                var previous = worst.TryGetValue(key, out var w) ? w : (MaxDiff: 0.0, Identical: 1.0);
                worst[key] = (Math.Max(previous.MaxDiff, max), Math.Min(previous.Identical, identical));

                // Off the 8-bit grid: Posterize, Equalize and Solarize must give torchvision's exact values (the first two
                // act on round(255 x)), AutoContrast its float result to rounding.
                bool ok = c.OffGrid
                    ? max <= (c.Op == PolicyOp.AutoContrast ? 1e-5 : 1e-6)
                    : (c.Geometric && c.Interpolation == Interpolation.Nearest)
                    ? identical >= 0.999
                    : c.Uint8Input
                        ? c.Op is PolicyOp.Posterize or PolicyOp.Equalize or PolicyOp.Invert or PolicyOp.Solarize or PolicyOp.Identity
                            ? max <= 1e-6
                            : max <= (2.0 / 255) + 1e-6
                        : max <= 1e-5;
                if (!ok)
                {
                    failures.Add($"{c} on {Guard(input)}: max |ours − torchvision| = {max:g4}, identical on {identical:P2}");
                }
            }
        }

        var table = new StringBuilder("| operation | input | max abs difference | pixels identical (min over cases) |\n|---|---|---|---|\n");
        foreach (var (key, (maxDiff, identical)) in worst)
        {
            table.Append(CultureInfo.InvariantCulture, $"| {key} | {maxDiff:0.##e+0} ({maxDiff * 255:0.###}/255) | {identical:P2} |\n");
        }

        _output.WriteLine(table.ToString());
        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n" + table);
    }

    private static string Guard(Tensor t) => $"[{string.Join(", ", t.shape)}]";

    /// <summary>
    /// Our magnitude tables are torchvision's, in torchvision's operation order, to float32 rounding: torch's own
    /// <c>linspace</c> computes its vectorized lanes as base + j·step, so its last bit depends on the CPU's vector width;
    /// ours is the scalar formula, within one float32 step of it.
    /// </summary>
    [Theory]
    [InlineData("randaugment-31-32x32")]
    [InlineData("randaugment-31-28x28")]
    [InlineData("randaugment-31-24x40")]
    [InlineData("randaugment-11-32x32")]
    [InlineData("trivialaugmentwide-31")]
    [InlineData("trivialaugmentwide-11")]
    [InlineData("autoaugment-10-32x32")]
    [InlineData("autoaugment-10-24x40")]
    [InlineData("augmix-10-32x32")]
    [InlineData("augmix-10-28x28")]
    [InlineData("augmix-10-24x40-basic")]
    public void MagnitudeTablesAreTorchvisions(string key)
    {
        using var tables = TorchvisionReference.Tables();
        var expected = tables.RootElement.GetProperty("spaces").GetProperty(key).EnumerateArray().ToList();
        var parts = key.Split('-');
        long h = 32, w = 32;
        if (parts.Length > 2 && parts[2].Contains('x'))
        {
            var size = parts[2].Split('x');
            (h, w) = (long.Parse(size[0], CultureInfo.InvariantCulture), long.Parse(size[1], CultureInfo.InvariantCulture));
        }

        int bins = int.Parse(parts[1], CultureInfo.InvariantCulture);
        var ours = parts[0] switch
        {
            "randaugment" => AugmentationSpace.RandAugment(bins, h, w),
            "trivialaugmentwide" => AugmentationSpace.TrivialAugmentWide(bins),
            "autoaugment" => AugmentationSpace.AutoAugment(h, w),
            _ => AugmentationSpace.AugMix(h, w, allOps: !key.EndsWith("-basic", StringComparison.Ordinal)),
        };
        Assert.Equal(expected.Select(e => e.GetProperty("op").GetString()), ours.Ops.Select(o => o.Op.ToString()));
        foreach (var (e, o) in expected.Zip(ours.Ops))
        {
            Assert.Equal(e.GetProperty("signed").GetBoolean(), o.Signed);
            var values = e.GetProperty("magnitudes").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            bool same = values.Length == o.Magnitudes.Count && values.Zip(o.Magnitudes).All(p => Math.Abs(p.First - p.Second) <= Math.Abs(p.First) * 2.4e-7);
            Assert.True(same, $"{key} {o.Op}: torchvision [{string.Join(", ", values)}], ours [{string.Join(", ", o.Magnitudes)}]");
        }
    }

    /// <summary>Our AutoAugment policies are torchvision's: 25 two-step sub-policies each, same operations, probabilities and bins.</summary>
    [Theory]
    [InlineData(AutoAugmentPolicy.ImageNet, "imagenet")]
    [InlineData(AutoAugmentPolicy.Cifar10, "cifar10")]
    [InlineData(AutoAugmentPolicy.Svhn, "svhn")]
    public void AutoAugmentPoliciesAreTorchvisions(AutoAugmentPolicy policy, string key)
    {
        using var tables = TorchvisionReference.Tables();
        var expected = tables.RootElement.GetProperty("autoaugment_policies").GetProperty(key).EnumerateArray().ToList();
        var ours = AutoAugmentPolicies.Of(policy);
        Assert.Equal(expected.Count, ours.Count);
        foreach (var (e, o) in expected.Zip(ours))
        {
            var steps = e.EnumerateArray().ToList();
            Assert.Equal(steps.Count, o.Count);
            foreach (var (s, step) in steps.Zip(o))
            {
                var parts = s.EnumerateArray().ToList();
                Assert.Equal(parts[0].GetString(), step.Op.ToString());
                Assert.Equal(parts[1].GetDouble(), step.Probability);
                Assert.Equal(parts[2].ValueKind == JsonValueKind.Null ? null : parts[2].GetInt32(), step.MagnitudeBin);
            }
        }
    }
}
