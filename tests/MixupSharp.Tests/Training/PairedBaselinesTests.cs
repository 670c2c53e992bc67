using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MixupSharp.Tests.Support;
using MixupSharp.Training.Grids;
using MixupSharp.Training.Options;
using MixupSharp.Training.Reports;
using MixupSharp.Training.Runs;
using Xunit;

namespace MixupSharp.Tests.Training;

/// <summary>
/// A grid's new methods paired against ERM and against CutMix (compare --also-against): each baseline its own Holm
/// family, the first one's family and text unchanged, so committed reports read the same.
/// </summary>
public sealed class PairedBaselinesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-baselines-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Test errors per seed 1..4: two new methods, one between ERM and CutMix, one below CutMix.
    private static readonly Dictionary<string, double[]> Errors = new()
    {
        ["erm"] = new[] { 0.150, 0.160, 0.155, 0.158 },
        ["cutmix"] = new[] { 0.135, 0.140, 0.137, 0.141 },
        ["puzzlemix"] = new[] { 0.140, 0.149, 0.141, 0.150 },
        ["automix"] = new[] { 0.131, 0.132, 0.136, 0.134 },
    };

    private Comparison Grid(params string[] alsoAgainst)
    {
        var perVariant = Errors.Keys.Select(v => (v, new TrainingOptions { Epochs = 1 }, (IReadOnlyList<long>)new long[] { 1, 2, 3, 4 })).ToList();
        var runs = Comparison.SeedMajor(_dir, perVariant);
        foreach (var run in runs)
        {
            var folder = new RunFolder(run.Options.OutDir);
            folder.Create();
            folder.WriteSummary(new RunSummary { TestError = Errors[run.Variant][run.Options.Seed - 1], Completed = true, Epochs = 1 });
        }

        return new Comparison(_dir, runs) { AlsoAgainst = alsoAgainst };
    }

    [Fact]
    public void EachBaselineIsItsOwnHolmFamilyOverTheVariantsThatAreNoBaseline()
    {
        var grid = Grid("cutmix");

        var againstErm = grid.Paired("test_error", "erm");
        Assert.Equal(new[] { "cutmix", "puzzlemix", "automix" }, againstErm.Select(r => r.Variant));
        var ermTests = new[] { "cutmix", "puzzlemix", "automix" }.Select(v => Statistics.PairedTTest(Errors[v], Errors["erm"])).ToList();
        Assert.Equal(Statistics.Holm(ermTests.Select(t => t.PValue).ToList()), againstErm.Select(r => r.Holm));
        Assert.Equal(againstErm, grid.Paired("test_error"));   // the one-argument form is the first family

        var againstCutMix = grid.Paired("test_error", "cutmix");
        Assert.Equal(new[] { "puzzlemix", "automix" }, againstCutMix.Select(r => r.Variant));   // not ERM: that is the first family's test turned round
        var puzzle = Statistics.PairedTTest(Errors["puzzlemix"], Errors["cutmix"]);
        var auto = Statistics.PairedTTest(Errors["automix"], Errors["cutmix"]);
        Assert.Equal(puzzle.MeanDifference, againstCutMix[0].Test.MeanDifference, 12);
        Assert.True(againstCutMix[0].Test.MeanDifference > 0, "PuzzleMix's errors here are above CutMix's");
        Assert.True(againstCutMix[1].Test.MeanDifference < 0, "AutoMix's errors here are below CutMix's");
        Assert.Equal(Statistics.Holm(new[] { puzzle.PValue, auto.PValue }), againstCutMix.Select(r => r.Holm));

        Assert.Throws<ArgumentException>(() => grid.Paired("test_error", "automix"));
    }

    [Theory]
    [InlineData("erm")]            // the baseline itself
    [InlineData("mixup")]          // no run of the grid
    [InlineData("cutmix", "cutmix")]
    public void TheLibraryRefusesABaselineThatIsNotAVariantOfTheGridOnce(params string[] alsoAgainst)
    {
        var e = Assert.Throws<ArgumentException>(() => Grid(alsoAgainst));
        Assert.Contains("other than the baseline 'erm'", e.Message, StringComparison.Ordinal);
        Assert.Contains($"got '{alsoAgainst[0]}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheReportHasATableForEachBaselineAndTheFirstReadsAsBefore()
    {
        string withBoth = Grid("cutmix").WriteReport().Markdown;
        string ermOnly = Grid().WriteReport().Markdown;

        Assert.Contains("Paired by seed against 'erm', test error (percentage points; negative: lower error than the baseline; Holm across the 3 variants;", ermOnly);
        Assert.DoesNotContain("against 'cutmix'", ermOnly);
        Assert.StartsWith(ermOnly.TrimEnd(), withBoth, StringComparison.Ordinal);   // the ERM table first, unchanged
        Assert.Contains("Paired by seed against 'cutmix', test error (percentage points; negative: lower error than the baseline; Holm across the 2 variants that are no baseline;", withBoth);
        var cutmixTable = withBoth[withBoth.IndexOf("against 'cutmix'", StringComparison.Ordinal)..].Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Skip(1).ToList();
        Assert.Equal(new[] { "puzzlemix", "automix" }, cutmixTable.Select(l => l.Split('|')[1].Trim()));
    }

    [Fact]
    public void CompareRefusesToPairAgainstAVariantTheGridDoesNotHave()
    {
        string variants = Path.Combine(_dir, "grid.json");
        File.WriteAllText(variants, """[{"name": "erm", "method": "erm"}, {"name": "cutmix", "method": "cutmix"}]""");
        string[] Args(string name) => new[] { "compare", "--variants", variants, "--out", Path.Combine(_dir, "out"), "--report-only", "--also-against", name };

        CliAssert.UsageError(CliRunner.Run(Args("mixup")), $"--also-against mixup: expected a variant of {variants} other than the baseline 'erm' (erm, cutmix); got 'mixup'.");
        CliAssert.UsageError(CliRunner.Run(Args("erm")), "--also-against erm: expected a variant of");
    }
}
