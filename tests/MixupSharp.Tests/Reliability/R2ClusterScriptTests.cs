using System;
using System.Diagnostics;
using System.IO;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using MixupSharp.Cli;
using MixupSharp.Tests.Grids;
using MixupSharp.Tests.Support;
using MixupSharp.Training.Grids;
using MixupSharp.Training.Options;
using Xunit;

namespace MixupSharp.Tests.Reliability;

/// <summary>Reliability, second pass: scripts and manifests that hostile paths cannot break (items 13, 14, 15, 17).</summary>
[Collection(TorchGlobalState.Name)]
public sealed class R2ClusterScriptTests : IDisposable
{
    private readonly TinyGrid _tiny = new("mixupsharp-r2-cluster-");

    public void Dispose() => _tiny.Dispose();

    private string[] Emit(string outDir, string variants, params string[] more) =>
        new[] { "compare", "--variants", variants, "--out", outDir, "--dataset", "cifar10", "--data-dir", _tiny.Data, "--epochs", "1", "--emit", "slurm", "--tasks", "2" }.Concat(more).ToArray();


    private string CopyVariants(string folderName)
    {
        string folder = Directory.CreateDirectory(Path.Combine(_tiny.Dir, folderName)).FullName;
        string variants = Path.Combine(folder, "grid.json");
        File.Copy(_tiny.VariantsFile, variants);
        return variants;
    }

    [Fact]
    public void R2_Item13_ANewlineInAnyPathIsRefusedBeforeAScriptIsWritten()
    {
        CliAssert.UsageError(CliRunner.Run(Emit(Path.Combine(_tiny.Dir, "grid\nSBATCH\ntouch /tmp/pwned"), _tiny.VariantsFile)), "--out holds a control character");
        string variants = CopyVariants("v\nSBATCH\ntouch pwned\n");
        CliAssert.UsageError(CliRunner.Run(Emit(Path.Combine(_tiny.Dir, "grid"), variants)), "the value of --variants holds a control character");
        CliAssert.UsageError(CliRunner.Run(Emit(Path.Combine(_tiny.Dir, "grid"), _tiny.VariantsFile, "--cli", "mixup\nid")), "--cli holds a control character");
    }

    [Theory]
    [InlineData("my grid")]
    [InlineData("it's")]
    [InlineData("50%")]
    public void R2_Item14_AnOutputFolderThatASbatchDirectiveCannotCarryIsRefusedUpFront(string name)
    {
        CliAssert.UsageError(CliRunner.Run(Emit(Path.Combine(_tiny.Dir, name), _tiny.VariantsFile)), "which a #SBATCH directive cannot carry");
    }

    [Fact]
    public void R2_Item13_QuotesCommandSubstitutionsAndBackquotesInAPathReachTheTaskUnchangedAndRunNothing()
    {
        string variants = CopyVariants("it's $(touch pwned) `touch pwned2` \"q\" SBATCH");
        string outDir = Path.Combine(_tiny.Dir, "grid");
        string bin = Directory.CreateDirectory(Path.Combine(_tiny.Dir, "bin")).FullName;
        string jobs = Directory.CreateDirectory(Path.Combine(_tiny.Dir, "jobs")).FullName;
        string argsFile = Path.Combine(_tiny.Dir, "task-args");
        WriteExecutable(Path.Combine(bin, "sbatch"), "#!/usr/bin/env bash\nn=$(ls \"$JOBS\" | wc -l)\n{ echo \"args: $*\"; cat; } > \"$JOBS/job$n\"\necho $((4100 + n))\n");
        WriteExecutable(Path.Combine(bin, "stand-in-cli"), "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > \"$TASK_ARGS\"\n");
        var emitted = CliRunner.Run(Emit(outDir, variants, "--cli", Path.Combine(bin, "stand-in-cli")));
        Assert.True(emitted.Code == 0, emitted.Err);
        string submit = Path.Combine(_tiny.Dir, "submit.sh");
        File.WriteAllText(submit, emitted.Out);
        Assert.Equal(0, Bash(submit, bin, jobs, argsFile));

        // The array job, run as Slurm would run it, hands the task the path exactly.
        string job = Path.Combine(jobs, "job0");
        File.WriteAllLines(job, File.ReadAllLines(job).Skip(1));   // drop the stand-in's "args:" line
        Assert.Equal(0, Bash(job, bin, jobs, argsFile));
        var args = File.ReadAllLines(argsFile);
        Assert.Equal(variants, args[Array.IndexOf(args, "--variants") + 1]);
        Assert.Equal("2", args[Array.IndexOf(args, "--shard-count") + 1]);
        Assert.Empty(Directory.GetFiles(_tiny.Dir, "pwned*", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(Environment.CurrentDirectory, "pwned*"));
    }

    [Fact]
    public void R2_Item15_AnArrayTaskResubmittedAloneTrainsItsOwnShardWithTheShardCount()
    {
        var env = new System.Collections.Generic.Dictionary<string, string?> { ["SLURM_ARRAY_TASK_ID"] = "3", ["SLURM_ARRAY_TASK_COUNT"] = "1", ["SLURM_ARRAY_TASK_MIN"] = "3", ["SLURM_ARRAY_TASK_MAX"] = "3" };
        Assert.Equal(new GridShard(0, 1), GridShard.Parse("auto", k => (env.TryGetValue(k, out var v) ? v : null)));   // without a count, as before
        Assert.Equal(new GridShard(3, 4), GridShard.Parse("auto", k => (env.TryGetValue(k, out var v) ? v : null), 4));
        var outside = Assert.Throws<InvalidOptionException>(() => GridShard.Parse("auto", k => (env.TryGetValue(k, out var v) ? v : null), 3));
        Assert.Contains("SLURM_ARRAY_TASK_ID 3 is outside 0..2 (--shard-count 3)", outside.Message);
    }

    [Fact]
    public void R2_Item17_GridsGetTheirOwnValidNamesAndMemoryAndTimeAreChecked()
    {
        string a = ClusterScripts.JobName("/grids/Study A (2026)"), b = ClusterScripts.JobName("/grids/study-b");
        Assert.NotEqual(a, b);
        foreach (string name in new[] { a, b, ClusterScripts.JobName("/x/" + new string('y', 300)), ClusterScripts.JobName("/") })
        {
            Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", name);
            Assert.True((name + "-variants").Length <= 63, name);
        }

        Assert.Equal("8Gi", ClusterScripts.KubernetesMemory("8G"));
        Assert.Equal("8000Mi", ClusterScripts.KubernetesMemory("8000"));
        Assert.Throws<UsageException>(() => ClusterScripts.KubernetesMemory("8Gi"));
        string[] k8s = { "compare", "--variants", _tiny.VariantsFile, "--out", "/grid", "--emit", "k8s", "--image", "img", "--pvc", "pvc" };
        CliAssert.UsageError(CliRunner.Run(k8s.Concat(new[] { "--mem", "8Gi" }).ToArray()), "--mem must be a whole number with an optional unit K, M, G or T");
        CliAssert.UsageError(CliRunner.Run(k8s.Concat(new[] { "--time", "4h" }).ToArray()), "--time must be [D-]HH:MM:SS");
        var emitted = CliRunner.Run(k8s);
        Assert.True(emitted.Code == 0, emitted.Err);
        using var list = JsonDocument.Parse(emitted.Out);
        var items = list.RootElement.GetProperty("items");
        Assert.Equal(ClusterScripts.JobName("/grid") + "-variants", items[0].GetProperty("metadata").GetProperty("name").GetString());
        Assert.Equal(ClusterScripts.JobName("/grid"), items[1].GetProperty("metadata").GetProperty("name").GetString());

        string big = Path.Combine(_tiny.Dir, "big.json");
        File.WriteAllText(big, "[" + string.Join(",", Enumerable.Range(0, 30000).Select(i => $$"""{"name": "v{{i}}", "method": "erm", "alpha": 1}""")) + "]");
        CliAssert.UsageError(CliRunner.Run(new[] { "compare", "--variants", big, "--out", "/grid", "--emit", "k8s", "--image", "img", "--pvc", "pvc" }), "a Kubernetes ConfigMap holds at most 1 MiB");
    }

    private static void WriteExecutable(string path, string text)
    {
        File.WriteAllText(path, text);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private int Bash(string script, string bin, string jobs, string argsFile)
    {
        var start = new ProcessStartInfo("bash", script) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _tiny.Dir };
        start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["JOBS"] = jobs;
        start.Environment["TASK_ARGS"] = argsFile;
        using var process = Process.Start(start)!;
        string err = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, err);
        return process.ExitCode;
    }
}
