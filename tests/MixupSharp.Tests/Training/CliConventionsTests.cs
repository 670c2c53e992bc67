using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using MixupSharp.Cli;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using MixupSharp.Training.Grids;
using Xunit;

namespace MixupSharp.Tests.Training;

/// <summary>The command line's conventions: --version, --flag=value, usage on a bare call, completion, RFC 4180 CSV.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class CliConventionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void VersionUsageAndFlagEqualsValue()
    {
        var version = Run("--version");
        Assert.Equal(0, version.Code);
        // One version for every assembly (Directory.Build.props) and the commit the build came from, which this
        // repository holds.
        var match = System.Text.RegularExpressions.Regex.Match(version.Out, @"^mixup 0\.2\.0 \(commit ([0-9a-f]{12}); TorchSharp 0\.107\.0\.0, \.NET \d+\.");
        Assert.True(match.Success, version.Out);
        Assert.Equal(0, ProcessRunner.Run("git", $"cat-file -e {match.Groups[1].Value}^{{commit}}", RepoPaths.RepoRoot, TimeSpan.FromSeconds(30)).ExitCode);
        Assert.Equal("0.2.0", typeof(MixupSharp.Mixing.Mixup).Assembly.GetName().Version!.ToString(3));

        var bare = Run();
        Assert.Equal(2, bare.Code);
        Assert.Equal(string.Empty, bare.Out);          // the usage goes to standard error
        Assert.Contains("usage: ./mixup <verb>", bare.Err);
        Assert.Contains("verbs:", Run("-h").Out);

        Assert.Contains("--epochs must be ≥ 1; got 0.", Run("train", "--epochs=0", $"--out={_dir}/never").Err);
        Assert.Contains("--no-standard-aug takes no value; got '--no-standard-aug=yes'.", Run("train", "--no-standard-aug=yes").Err);
        Assert.Contains("--split must be test or train; got 'val'.", Run("eval", "--run=" + _dir, "--split=val").Err);
    }

    [Fact]
    public void BashCompletionOffersEveryFlagOfEveryVerbAndCompletesInARealShell()
    {
        string script = Run("completion", "bash").Out;
        foreach (var (verb, table) in CompletionScripts.Tables())
        {
            Assert.All(table.Options, o => Assert.Contains(o.Flag, script));
            Assert.Contains($"    {verb}) opts=", script);
        }

        Assert.Contains("--decay-power", script);   // a method's own option, declared by FMix's method, not by the CLI
        Assert.StartsWith("# zsh completion", Run("completion", "zsh").Out);
        Assert.Equal(2, Run("completion", "fish").Code);

        string file = Path.Combine(_dir, "mixup-completion.bash");
        File.WriteAllText(file, script);
        var start = new ProcessStartInfo("bash", $"-c \"source {file}; COMP_WORDS=(mixup train --epo); COMP_CWORD=2; _mixup; echo ${{COMPREPLY[@]}}; COMP_WORDS=(mixup co); COMP_CWORD=1; _mixup; echo ${{COMPREPLY[@]}}\"");
        using var child = ProcessRunner.Start(start);
        Assert.True(child.Process.WaitForExit(TimeSpan.FromSeconds(20)));
        child.Process.WaitForExit();
        var lines = child.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("--epochs", lines[0].Trim());
        Assert.Equal("compare completion", lines[1].Trim());
    }

    [Fact]
    public void CompletionOffersTheValuesTheParserAcceptsAndPathsWhereAFlagTakesOne()
    {
        string script = Run("completion", "bash").Out;
        string file = Path.Combine(_dir, "mixup-completion.bash");
        File.WriteAllText(file, script);
        Directory.CreateDirectory(Path.Combine(_dir, "photos-folder"));
        string Complete(string words, int cword)
        {
            var start = new ProcessStartInfo("bash", $"-c \"source {file}; COMP_WORDS=({words}); COMP_CWORD={cword}; _mixup; echo ${{COMPREPLY[@]}}\"") { WorkingDirectory = _dir };
            using var child = ProcessRunner.Start(start);
            Assert.True(child.Process.WaitForExit(TimeSpan.FromSeconds(20)));
            child.Process.WaitForExit();
            return child.Output.Trim();
        }

        Assert.Equal("cutmix", Complete("mixup train --method cutm", 3));
        Assert.Equal("resnet18 resnet50", Complete("mixup train --model resn", 3));
        Assert.Equal("onnx", Complete("mixup export --format o", 3));
        Assert.Equal("little-data", Complete("mixup compare --recipe little", 3));   // compare takes train's options
        Assert.Equal("photos-folder", Complete("mixup train --data-dir photos", 3));
        Assert.Equal("--epochs", Complete("mixup train --epo", 2));

        // Every name offered is one the parser takes: the lists come from the registries and enums it parses with.
        int offered = 0;
        foreach (var (verb, table) in CompletionScripts.Tables())
        {
            foreach (var option in table.Options.Where(o => !o.IsSwitch))
            {
                var (kind, names) = CompletionValues.For(verb, option);
                if (kind != CompletionValues.Kind.Names)
                {
                    continue;
                }

                foreach (string name in names)
                {
                    var fresh = CompletionScripts.Tables()[verb].Options.Single(o => o.Flag == option.Flag);
                    var e = Record.Exception(() => fresh.Apply(name));
                    Assert.True(e is null, $"{verb} {option.Flag} {name}: {e?.Message}");
                    offered++;
                }
            }
        }

        Assert.True(offered > 60, $"only {offered} names offered");
    }

    [Fact]
    public void TrainHelpIsGroupedWrappedAndEndsWithThreeExamples()
    {
        var table = TrainCommand.Table();
        var groups = table.Groups();
        Assert.Equal(new[] { "data", "model", "method and policy", "optimization", "run and output", "validation", "cluster" }, groups.Select(g => g.Title));
        Assert.Equal(table.Options.Count, groups.Sum(g => g.Options.Count));   // every option in exactly one group, none left over
        Assert.Contains(groups.Single(g => g.Title == "method and policy").Options, o => o.Flag == "--decay-power");   // a method's own option

        string help = table.Help(80);
        Assert.All(help.Split('\n'), line => Assert.True(line.Length <= 80, $"over 80 columns: {line}"));
        int data = help.IndexOf("\ndata:\n", StringComparison.Ordinal), optimization = help.IndexOf("\noptimization:\n", StringComparison.Ordinal);
        Assert.True(data > 0 && optimization > data && help.IndexOf("  --dataset NAME", StringComparison.Ordinal) < optimization && help.IndexOf("  --lr X", StringComparison.Ordinal) > optimization);
        var examples = help[help.IndexOf("\nexamples:\n", StringComparison.Ordinal)..].Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
        Assert.Equal(3, examples.Length);
        Assert.All(examples, e => Assert.StartsWith("  ./mixup train ", e));

        // The examples parse: each is a valid train command line.
        foreach (var example in examples)
        {
            var args = example.Trim().Split(' ').Skip(2).ToArray();
            var e = Record.Exception(() => TrainCommand.Table().Parse(args));
            Assert.True(e is null, $"{example}: {e?.Message}");
        }

        Assert.Contains("\ncluster:\n", Run("train", "--help").Out);
    }

    [Fact]
    public void CsvFieldsAreQuotedPerRfc4180AndTheReportListsOnlyWhatItWrote()
    {
        Assert.Equal("plain", ComparisonTables.CsvField("plain"));
        Assert.Equal("\"a,b\"", ComparisonTables.CsvField("a,b"));
        Assert.Equal("\"say \"\"hi\"\"\"", ComparisonTables.CsvField("say \"hi\""));

        string data = Path.Combine(_dir, "data");
        DataFiles.WriteCifar10(data, perBatch: 8, testCount: 12);
        string grid = Path.Combine(_dir, "grid.json");
        File.WriteAllText(grid, """[{"name": "erm", "method": "erm"}, {"name": "mixup,a2", "method": "mixup", "alpha": 2}]""");
        string outDir = Path.Combine(_dir, "cmp");
        var reportOnly = Run("compare", "--variants", grid, "--seeds", "1", "--out", outDir, "--report-only");
        Assert.True(reportOnly.Code == 0, reportOnly.Err);
        Assert.Contains("written into " + outDir + ": results.md, results.csv, runs.csv", reportOnly.Out);
        Assert.DoesNotContain(".png", reportOnly.Out);   // nothing has trained yet, so no plot was drawn
        Assert.False(File.Exists(Path.Combine(outDir, "test-error.png")));

        var trained = Run("compare", "--variants", grid, "--seeds", "1", "--out", outDir, "--dataset", "cifar10", "--data-dir", data, "--model", "fast-resnet", "--batch-size", "16", "--epochs", "1", "--threads", "1");
        Assert.True(trained.Code == 0, trained.Err);
        Assert.Contains("test-error.png, test-nll.png, train-loss.png, reliability.png", trained.Out);
        var runs = File.ReadAllLines(Path.Combine(outDir, "runs.csv"));
        var header = runs[0].Split(',');
        var mixup = runs.Single(l => l.StartsWith("\"mixup,a2\"", StringComparison.Ordinal));
        Assert.EndsWith(",\"mixup,a2/s1\"", mixup);
        Assert.Equal(header.Length, mixup.Replace("\"mixup,a2\"", "x").Replace("\"mixup,a2/s1\"", "y").Split(',').Length);
    }
}
