using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using MixupSharp.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Training;

/// <summary>Temperature scaling (Guo et al. 2017): the fit, and eval --calibrate on the validation set or half of the test set.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class TemperatureScalingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-calibrate-").FullName;
    private readonly string _data;

    public TemperatureScalingTests()
    {
        _data = Path.Combine(_dir, "data");
        DataFiles.WriteCifar10(_data, perBatch: 12, testCount: 40);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// Labels drawn from softmax(z) are calibrated for z; logits 3·z are over-confident, z/2 under-confident, and the fit
    /// recovers the factor (within 5% on 20,000 samples); the predictions never change.
    /// </summary>
    [Theory]
    [InlineData(3.0)]
    [InlineData(0.5)]
    public void TheFitRecoversTheTemperatureThatCalibratesTheLogits(double scale)
    {
        using var scope = torch.NewDisposeScope();
        using var g = new Generator(5);
        var z = torch.randn(new long[] { 20000, 10 }, dtype: ScalarType.Float64, generator: g) * 2;
        var labels = torch.multinomial(z.softmax(1), 1, generator: g).squeeze(1);
        double t = TemperatureScaling.Fit(z * scale, labels);
        Assert.InRange(t, scale * 0.95, scale * 1.05);
        var before = Evaluation.FromLogits(z * scale, labels, 10);
        var after = Evaluation.FromLogits(z * scale / t, labels, 10);
        Assert.Equal(before.Error, after.Error);
        Assert.True(after.Nll <= before.Nll && after.Ece < before.Ece, $"NLL {before.Nll} -> {after.Nll}, ECE {before.Ece} -> {after.Ece}");
    }

    [Fact]
    public void BadShapesAreNamed()
    {
        using var logits = torch.zeros(4, 3);
        using var labels = torch.zeros(new long[] { 5 }, dtype: ScalarType.Int64);
        Assert.Contains("[4, 3] and [5]", Assert.Throws<ArgumentException>(() => TemperatureScaling.Fit(logits, labels)).Message);
    }

    [Fact]
    public void EvalCalibratesOnTheValidationSetOrExplicitlyOnHalfTheTestSet()
    {
        string[] shared = { "--dataset", "cifar10", "--data-dir", _data, "--model", "fast-resnet", "--batch-size", "16", "--threads", "2", "--epochs", "2" };
        string withValidation = Path.Combine(_dir, "val");
        var t = CliRunner.Run(new[] { "train", "--validation", "20", "--out", withValidation }.Concat(shared).ToArray());
        Assert.True(t.Code == 0, t.Err + t.Out);
        string json = Path.Combine(_dir, "eval.json");
        var e = CliRunner.Run("eval", "--run", withValidation, "--calibrate", "--json", json);
        Assert.True(e.Code == 0, e.Err + e.Out);
        Assert.Contains("fitted on the run's 20 validation images", e.Out);
        using (var doc = JsonDocument.Parse(File.ReadAllText(json)))
        {
            var c = doc.RootElement.GetProperty("calibration");
            Assert.True(c.GetProperty("temperature").GetDouble() > 0);
            Assert.Equal(40, c.GetProperty("report_images").GetInt64());
            Assert.Equal(doc.RootElement.GetProperty("error").GetDouble(), c.GetProperty("error").GetDouble());
            Assert.Equal(doc.RootElement.GetProperty("ece").GetDouble(), c.GetProperty("ece_before").GetDouble(), 9);
        }

        string without = Path.Combine(_dir, "plain");
        Assert.Equal(0, CliRunner.Run(new[] { "train", "--out", without }.Concat(shared).ToArray()).Code);
        var refused = CliRunner.Run("eval", "--run", without, "--calibrate");
        Assert.Equal(2, refused.Code);
        Assert.Contains("has none (trained without --validation N); add --calibrate-on test-half", refused.Err);
        var half = CliRunner.Run("eval", "--run", without, "--calibrate", "--calibrate-on", "test-half");
        Assert.True(half.Code == 0, half.Err + half.Out);
        Assert.Contains("a stratified half of the test set (20 images; reported on the other 20)", half.Out);

        Assert.Equal(2, CliRunner.Run("eval", "--run", without, "--calibrate", "--calibrate-on", "train").Code);
        Assert.Equal(2, CliRunner.Run("eval", "--run", without, "--calibrate-on", "test-half").Code);
    }
}
