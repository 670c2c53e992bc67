using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using MixupSharp.Tests.Support;
using MixupSharp.Training;
using MixupSharp.Training.Runs;
using Xunit;

namespace MixupSharp.Tests.Training;

/// <summary>
/// Run folders written before the training-stack redesign still resume, evaluate and report. The fixture
/// tests/fixtures/old-grid/mixup/s5 is a 1-epoch fast-resnet run on 200 images of the golden data, written by the
/// build before the redesign and never edited; the tests work on copies of it.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class OldRunFolderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-old-run-").FullName;

    public OldRunFolderTests() => GoldenData.Write(GoldenRunTests.DataDir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Fixtures => Path.Combine(RepoPaths.RepoRoot, "tests", "fixtures");

    private static string OldRun => Path.Combine(Fixtures, "old-grid", "mixup", "s5");

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    private string CopyOf(string source, string name)
    {
        string target = Path.Combine(_dir, name);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        return target;
    }

    [Fact]
    public void AnOldRunFolderResumesAndExtends()
    {
        string run = CopyOf(OldRun, "resumed");
        var result = Run("train", "--resume", run, "--epochs", "2", "--threads", "1");
        Assert.True(result.Code == 0, result.Err + result.Out);
        var rows = File.ReadAllLines(Path.Combine(run, "metrics.csv")).Where(l => l.Length > 0).ToArray();
        Assert.Equal(3, rows.Length);   // header, the old epoch 1, the new epoch 2
        Assert.Equal(File.ReadAllLines(Path.Combine(OldRun, "metrics.csv"))[1], rows[1]);
        Assert.StartsWith("2,", rows[2]);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json")));
        Assert.Equal(2, summary.RootElement.GetProperty("epochs").GetInt32());
        Assert.True(summary.RootElement.GetProperty("completed").GetBoolean());
    }

    [Fact]
    public void AnOldRunFolderEvaluatesToTheErrorItRecorded()
    {
        string json = Path.Combine(_dir, "eval.json");
        var result = Run("eval", "--run", OldRun, "--threads", "1", "--json", json);
        Assert.True(result.Code == 0, result.Err + result.Out);
        using var recorded = JsonDocument.Parse(File.ReadAllText(Path.Combine(OldRun, "summary.json")));
        using var evaluated = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(recorded.RootElement.GetProperty("test_error").GetDouble(), evaluated.RootElement.GetProperty("error").GetDouble(), 12);
        Assert.Equal(300, evaluated.RootElement.GetProperty("images").GetInt32());
    }

    [Fact]
    public void CompareReportOnlySummarizesAnOldGrid()
    {
        string grid = CopyOf(Path.Combine(Fixtures, "old-grid"), "grid");
        var result = Run("compare", "--variants", Path.Combine(Fixtures, "old-grid.json"), "--out", grid, "--report-only");
        Assert.True(result.Code == 0, result.Err + result.Out);
        using var recorded = JsonDocument.Parse(File.ReadAllText(Path.Combine(OldRun, "summary.json")));
        double error = recorded.RootElement.GetProperty("test_error").GetDouble();
        string markdown = File.ReadAllText(Path.Combine(grid, "results.md"));
        Assert.Contains($"| mixup | mixup | 1/1 | {error * 100:F2} |", markdown);
    }

    /// <summary>
    /// Every committed experiment run (and the old fixture) keeps its configuration hash, so a grain of new options with
    /// defaults never makes compare refuse a finished run as "another configuration".
    /// </summary>
    [Fact]
    public void CommittedRunsKeepTheirConfigurationHashes()
    {
        var configs = Directory.EnumerateFiles(Path.Combine(RepoPaths.RepoRoot, "experiments"), "config.json", SearchOption.AllDirectories)
            .Append(Path.Combine(OldRun, "config.json")).ToList();
        Assert.True(configs.Count > 20, $"expected the committed experiment runs; found {configs.Count} config.json files");
        foreach (var config in configs)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(config));
            // Runs written before 0.2.0 record the hash at the top; the 0.2.0 layout keeps it under "derived".
            var root = document.RootElement;
            string recorded = (root.TryGetProperty("config_hash", out var top) ? top : root.GetProperty("derived").GetProperty("config_hash")).GetString()!;
            var options = new RunFolder(Path.GetDirectoryName(config)!).ReadOptions();
            Assert.True(recorded == ConfigFingerprint.Of(options), $"{config}: recorded {recorded}, recomputed {ConfigFingerprint.Of(options)}");
        }
    }
}
