using System;
using System.IO;
using System.Linq;
using MixupSharp.Distortion;
using MixupSharp.Mixing;
using MixupSharp.Tests.Support;
using MixupSharp.Training;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Options;
using MixupSharp.Training.Runs;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Training;

/// <summary>timm's Mixup arguments on the command line: --mixup-alpha, --cutmix-alpha, --mix-mode, --cutmix-minmax.</summary>
public sealed class TimmOptionsTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    /// <summary>Parses a train command line into options, as `train` does, without training.</summary>
    private static TrainingOptions Parse(params string[] args)
    {
        var options = new TrainingOptions();
        MixupSharp.Cli.TrainCommand.Options(() => options, o => options = o, _ => { }).Parse(args);
        options.Validate();
        return options;
    }

    [Fact]
    public void TimmsRecipeParsesAndDrivesTheSwitch()
    {
        var o = Parse("--method", "mixup-cutmix", "--mixup-alpha", "0.8", "--cutmix-alpha", "1.0", "--switch-prob", "0.5", "--label-smoothing", "0.1", "--mix-mode", "elem", "--cutmix-minmax", "0.2,0.8");
        Assert.Equal(0.8, o.Get(MixupCutMixMethod.MixupAlpha));
        Assert.Equal(MixModeName.Elem, o.Get(MixingMethodOptions.Mode));
        Assert.Equal(new[] { 0.2, 0.8 }, o.Get(MixingMethodOptions.CutMixMinMax));

        using var scope = torch.NewDisposeScope();
        var pipeline = new RunPipelines(o with { StandardAugmentation = false }, 10, 32, new Normalize(new[] { 0.0 }, new[] { 1.0 })).WithMethod;
        using var result = pipeline.Apply(torch.rand(new long[] { 64, 1, 32, 32 }, generator: new Generator(1)), torch.arange(64L) % 10, new Generator(2));
        var p = (MixParameters)result.Parameters.Steps[0].Values!;
        var lambda = T.D(p.Lambda);
        var cut = T.F(p.UsesCutMix!.to_type(ScalarType.Float32));
        var boxes = T.L(p.Boxes!);
        var partner = T.L(p.Partner);
        Assert.True(lambda.Where((l, i) => partner[i] != i).Distinct().Count() > 10, "per-element mode gives each sample its own λ");
        for (int i = 0; i < 64; i++)
        {
            if (cut[i] == 1 && partner[i] != i)
            {
                long h = boxes[(4 * i) + 2] - boxes[4 * i], w = boxes[(4 * i) + 3] - boxes[(4 * i) + 1];
                Assert.InRange(h, (long)Math.Floor(0.2 * 32), (long)Math.Floor(0.8 * 32));   // cutmix_minmax: sides in [0.2, 0.8] of the image
                Assert.InRange(w, (long)Math.Floor(0.2 * 32), (long)Math.Floor(0.8 * 32));
            }
        }

        // Left unset, each α is the shared --alpha, so old runs keep their meaning and their configuration hash.
        var plain = Parse("--method", "mixup-cutmix", "--alpha", "0.4");
        Assert.Null(plain.Get(MixupCutMixMethod.MixupAlpha));
        Assert.Equal(ConfigFingerprint.Of(plain), ConfigFingerprint.Of(plain.Resolved()));
        Assert.NotEqual(ConfigFingerprint.Of(plain), ConfigFingerprint.Of(o));
    }

    [Fact]
    public void BadTimmValuesAreUsageErrorsNamingTheOption()
    {
        var mode = Run("train", "--method", "mixup", "--mix-mode", "row", "--out", "/tmp/never");
        Assert.Equal(2, mode.Code);
        Assert.Contains("--mix-mode must be one of batch, pair, elem; got 'row'.", mode.Err);
        var range = Run("train", "--method", "cutmix", "--cutmix-minmax", "0.9,0.1", "--out", "/tmp/never");
        Assert.Equal(2, range.Code);
        Assert.Contains("--cutmix-minmax must be MIN,MAX with 0 < MIN < MAX ≤ 1; got 0.9,0.1.", range.Err);
        Assert.Contains("--cutmix-minmax is not an option of method 'mixup'", Run("train", "--method", "mixup", "--cutmix-minmax", "0.2,0.8", "--out", "/tmp/never").Err);
        Assert.Contains("--mixup-alpha must be ≥ 0; got -1.", Run("train", "--method", "mixup-cutmix", "--mixup-alpha", "-1", "--out", "/tmp/never").Err);
        Assert.Contains("--mixup-alpha A ", Run("train", "--help").Out);
    }
}
