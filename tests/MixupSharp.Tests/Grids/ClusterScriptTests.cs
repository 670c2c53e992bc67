using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using Xunit;

namespace MixupSharp.Tests.Grids;

/// <summary>A test that starts a one-node Slurm cluster: it needs Debian's slurm-wlm and munge (<c>.ci/run</c> installs them).</summary>
public sealed class RequiresSlurmFactAttribute : FactAttribute
{
    public RequiresSlurmFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("CI") != "true" && !SlurmIsInstalled())
        {
            Skip = "needs Debian's slurm-wlm and munge (apt-get install slurm-wlm munge) to start a one-node cluster; .ci/run installs them";
        }
    }

    public static bool SlurmIsInstalled() => File.Exists("/usr/sbin/slurmctld") && File.Exists("/usr/sbin/slurmd") && File.Exists("/usr/sbin/munged");
}

/// <summary><c>compare --emit slurm|k8s</c>: the scripts submit what they say, and what a task runs trains its shard of the grid.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class ClusterScriptTests : IDisposable
{
    private readonly TinyGrid _tiny = new("mixupsharp-cluster-");

    public void Dispose() => _tiny.Dispose();

    private string[] Shared(string outDir) =>
        new[] { "compare", "--variants", _tiny.VariantsFile, "--out", outDir, "--dataset", "cifar10", "--data-dir", _tiny.Data, "--model", "fast-resnet", "--batch-size", "16", "--epochs", "1" };

    [Fact]
    public void TheSlurmScriptSubmitsAnArrayThenAReportAfterItAndItsTasksTrainTheGrid()
    {
        string outDir = Path.Combine(_tiny.Dir, "grid");
        var emitted = CliRunner.Run(Shared(outDir).Concat(new[] { "--emit", "slurm", "--tasks", "2", "--max-parallel", "1", "--cpus", "1", "--cli", "mixup-cli" }).ToArray());
        Assert.Equal(0, emitted.Code);
        Assert.False(Directory.Exists(Path.Combine(outDir, "erm")), "emitting trains nothing");

        // Run the script with a stand-in sbatch that records each job it is given and answers a job id.
        string bin = Directory.CreateDirectory(Path.Combine(_tiny.Dir, "bin")).FullName;
        string sbatch = Path.Combine(bin, "sbatch");
        File.WriteAllText(sbatch, "#!/usr/bin/env bash\nn=$(ls \"$JOBS\" | wc -l)\n{ echo \"args: $*\"; cat; } > \"$JOBS/job$n\"\necho $((4100 + n))\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(sbatch, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        string jobs = Directory.CreateDirectory(Path.Combine(_tiny.Dir, "jobs")).FullName;
        File.WriteAllText(Path.Combine(_tiny.Dir, "submit.sh"), emitted.Out);
        var start = new ProcessStartInfo("bash", Path.Combine(_tiny.Dir, "submit.sh")) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["JOBS"] = jobs;
        using (var submit = Process.Start(start)!)
        {
            string err = submit.StandardError.ReadToEnd();
            submit.WaitForExit();
            Assert.True(submit.ExitCode == 0, err);
        }

        string array = File.ReadAllText(Path.Combine(jobs, "job0"));
        string report = File.ReadAllText(Path.Combine(jobs, "job1"));
        Assert.Contains("#SBATCH --array=0-1%1", array);
        Assert.Contains("#SBATCH --cpus-per-task=1", array);
        Assert.Contains("#SBATCH --requeue", array);
        Assert.Contains("--dependency=afterany:4100", report);
        Assert.Contains("--report-only", report);
        string task = array.Split('\n').Single(l => l.StartsWith("exec mixup-cli ", StringComparison.Ordinal));
        Assert.EndsWith("--threads 1 --shard auto --shard-count 2 --steal-stale-locks", task);

        // What each array task runs, with the shard Slurm would give it, trains the whole grid between them.
        var taskArgs = task["exec mixup-cli ".Length..].Split(' ').ToList();
        taskArgs[taskArgs.IndexOf("auto")] = "0/2";
        Assert.Equal(0, CliRunner.Run(taskArgs.ToArray()).Code);
        taskArgs[taskArgs.IndexOf("0/2")] = "1/2";
        Assert.Equal(0, CliRunner.Run(taskArgs.ToArray()).Code);
        foreach (var run in TinyGrid.Runs)
        {
            Assert.True(File.Exists(Path.Combine(outDir, run, "summary.json")), run);
        }
    }

    [Fact]
    public void TheKubernetesJobCarriesTheVariantsAndGivesEachIndexItsShard()
    {
        var emitted = CliRunner.Run(Shared("/grid").Concat(new[] { "--emit", "k8s", "--image", "registry/mixupsharp:1", "--pvc", "grids", "--max-parallel", "3", "--cpus", "4", "--mem", "6G" }).ToArray());
        Assert.True(emitted.Code == 0, emitted.Err);
        using var list = JsonDocument.Parse(emitted.Out);
        var items = list.RootElement.GetProperty("items");
        Assert.Equal("ConfigMap", items[0].GetProperty("kind").GetString());
        Assert.Equal(File.ReadAllText(_tiny.VariantsFile), items[0].GetProperty("data").GetProperty("variants.json").GetString());
        var job = items[1];
        Assert.Equal("batch/v1", job.GetProperty("apiVersion").GetString());
        var spec = job.GetProperty("spec");
        Assert.Equal("Indexed", spec.GetProperty("completionMode").GetString());
        Assert.Equal(4, spec.GetProperty("completions").GetInt32()); // one task per run by default
        Assert.Equal(3, spec.GetProperty("parallelism").GetInt32());
        var container = spec.GetProperty("template").GetProperty("spec").GetProperty("containers")[0];
        var command = container.GetProperty("command").EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.Equal("/etc/mixup-grid/variants.json", command[command.IndexOf("--variants") + 1]);
        Assert.Equal("4", command[command.IndexOf("--shard-count") + 1]);
        Assert.Equal("4", command[command.IndexOf("--threads") + 1]);
        Assert.Equal("6Gi", container.GetProperty("resources").GetProperty("requests").GetProperty("memory").GetString());
        Assert.Contains(container.GetProperty("volumeMounts").EnumerateArray(), m => m.GetProperty("mountPath").GetString() == "/grid");

        var relative = CliRunner.Run(Shared("grid").Concat(new[] { "--emit", "k8s", "--image", "i", "--pvc", "p" }).ToArray());
        Assert.Equal(2, relative.Code);
        Assert.Contains("absolute --out", relative.Err);
        var tooMany = CliRunner.Run(Shared("/grid").Concat(new[] { "--emit", "slurm", "--tasks", "5" }).ToArray());
        Assert.Equal(2, tooMany.Code);
        Assert.Contains("--tasks must be between 1 and the grid's 4 runs; got 5", tooMany.Err);
    }

    [RequiresSlurmFact]
    public void AGridSubmittedToARealSlurmClusterGivesTheRunsOfOneProcess()
    {
        Assert.True(RequiresSlurmFactAttribute.SlurmIsInstalled(), "slurm-wlm and munge are not installed (apt-get install slurm-wlm munge)");
        string cliDll = Path.Combine(RepoPaths.RepoRoot, "src", "MixupSharp.Cli", "bin", "Release", "net10.0", "MixupSharp.Cli.dll");
        Assert.True(File.Exists(cliDll), cliDll + " is not built");
        string idx = Path.Combine(_tiny.Dir, "idx");
        DataFiles.WriteIdx(idx, trainCount: 300, testCount: 100, gzip: true);
        // The variants file lies under a hostile folder name: the real sbatch and bash must pass it through unchanged.
        string hostile = Directory.CreateDirectory(Path.Combine(_tiny.Dir, "it's $(touch pwned) `touch pwned2` \"q\"")).FullName;
        string variants = Path.Combine(hostile, "grid.json");
        File.Copy(_tiny.VariantsFile, variants);
        string[] Grid(string outDir) => new[] { "compare", "--variants", variants, "--out", outDir, "--data-dir", idx, "--batch-size", "32", "--epochs", "1" };

        string cluster = Path.Combine(_tiny.Dir, "slurm");
        string script = Path.Combine(RepoPaths.RepoRoot, ".ci", "slurm.sh");
        var started = ProcessRunner.Run("bash", $"{script} start {cluster}", _tiny.Dir, TimeSpan.FromMinutes(2));
        try
        {
            Assert.True(started.ExitCode == 0, "the one-node Slurm cluster did not start: " + started.Output);
            string outDir = Path.Combine(_tiny.Dir, "slurm-grid");
            var emitted = CliRunner.Run(Grid(outDir).Concat(new[]
            {
                "--emit", "slurm", "--tasks", "2", "--cpus", "1", "--mem", "1000M", "--time", "00:20:00", "--cli", $"{Environment.ProcessPath} {cliDll}",
            }).ToArray());
            Assert.True(emitted.Code == 0, emitted.Err);
            File.WriteAllText(Path.Combine(_tiny.Dir, "submit.sh"), emitted.Out);
            string slurmConf = Path.Combine(cluster, "slurm.conf");
            var submit = ProcessRunner.Run("env", $"SLURM_CONF={slurmConf} bash {Path.Combine(_tiny.Dir, "submit.sh")}", _tiny.Dir, TimeSpan.FromMinutes(1));
            Assert.True(submit.ExitCode == 0, submit.Output);
            string reportJob = submit.Output.Trim().Split('\n').Last().Trim();

            // Wait until the report job (which runs after the whole array) has left the queue.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (ProcessRunner.Run("env", $"SLURM_CONF={slurmConf} squeue -h -j {reportJob}", _tiny.Dir, TimeSpan.FromSeconds(30)).Output.Trim().Length > 0)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(10), "the Slurm jobs did not finish in 10 minutes");
                System.Threading.Thread.Sleep(500);
            }

            Assert.Empty(Directory.GetFiles(_tiny.Dir, "pwned*", SearchOption.AllDirectories));
            Assert.Empty(Directory.GetFiles(outDir, "pwned*", SearchOption.AllDirectories));
            string report = File.ReadAllText(Directory.GetFiles(outDir, "slurm-report-*.out").Single());
            Assert.Contains("results.md", report);
            Assert.DoesNotContain("not completed", report);

            // The same grid in one process, with the tasks' --threads: the same per-run metrics, timing columns aside.
            string single = Path.Combine(_tiny.Dir, "single");
            Assert.Equal(0, CliRunner.Run(Grid(single).Concat(new[] { "--threads", "1" }).ToArray()).Code);
            foreach (var run in TinyGrid.Runs)
            {
                Assert.True(File.Exists(Path.Combine(outDir, run, "metrics.csv")), run + " was not trained; task logs: " + string.Join(" | ", Directory.GetFiles(outDir, "slurm-*.out").Select(File.ReadAllText)));
                Assert.Equal(TinyGrid.MetricsWithoutTiming(single, run), TinyGrid.MetricsWithoutTiming(outDir, run));
            }
        }
        finally
        {
            var stopped = ProcessRunner.Run("bash", $"{script} stop {cluster}", _tiny.Dir, TimeSpan.FromMinutes(1));
            Assert.True(stopped.ExitCode == 0, "stopping the Slurm cluster: " + stopped.Output);
        }
    }
}
