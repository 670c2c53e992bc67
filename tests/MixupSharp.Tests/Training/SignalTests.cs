using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Threading;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using Xunit;

namespace MixupSharp.Tests.Training;

/// <summary>
/// A `mixup train` process sent SIGTERM (what `kill`, `timeout`, `docker stop` and batch schedulers send) stops after
/// its current step, saves a checkpoint, says how to resume and exits 130, as on Ctrl-C; the run then resumes.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class SignalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-signal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [Fact]
    public void SigtermSavesACheckpointThatResumes()
    {
        Assert.True(OperatingSystem.IsLinux(), "this suite runs on Linux (signals are POSIX)");
        string data = Path.Combine(_dir, "data");
        DataFiles.WriteCifar10(data, perBatch: 8, testCount: 8);   // 40 training images: 10 steps of 4 per epoch
        string run = Path.Combine(_dir, "run");
        var start = new ProcessStartInfo("dotnet");
        foreach (string arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "MixupSharp.Cli.dll"), "train", "--dataset", "cifar10", "--data-dir", data,
            "--model", "seednet", "--batch-size", "4", "--epochs", "100000", "--threads", "1", "--out", run,
        })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["CI"] = "true";   // plain progress lines, one per step
        using var secondEpoch = new ManualResetEventSlim();

        // Past the first epoch's checkpoint: the stop must save a mid-epoch one.
        using var child = ProcessRunner.Start(start, line => { if (line.Contains("epoch 2/", StringComparison.Ordinal)) { secondEpoch.Set(); } });
        var process = child.Process;
        Assert.True(secondEpoch.Wait(TimeSpan.FromSeconds(120)), $"the run never reached epoch 2. Output:\n{child.Output}");
        Assert.Equal(0, kill(process.Id, 15));   // SIGTERM
        Assert.True(process.WaitForExit(60_000), $"the run did not stop within a minute of SIGTERM. Output:\n{child.Output}");
        process.WaitForExit();
        string text = child.Output;

        Assert.Equal(130, process.ExitCode);
        Assert.Contains("SIGTERM: stopping after this step and saving a checkpoint", text);
        var stopped = Regex.Match(text, @"stopped at epoch (\d+), step (\d+); checkpoint saved");
        Assert.True(stopped.Success, $"no 'stopped at' line. Output:\n{text}");
        Assert.Contains($"interrupted; resume with ./mixup train --resume {run}", text);
        Assert.Contains("\"completed\": false", File.ReadAllText(Path.Combine(run, "summary.json")));

        // The saved position resumes: finish the interrupted epoch and stop there.
        int epoch = int.Parse(stopped.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var resumed = new StringWriter();
        int code = MixupSharp.Cli.Cli.Run(new[] { "train", "--resume", run, "--epochs", epoch.ToString(System.Globalization.CultureInfo.InvariantCulture) }, resumed, new StringWriter());
        Assert.True(code == 0, resumed.ToString());
        Assert.Contains($"resuming {run} at epoch {epoch}, step {stopped.Groups[2].Value}", resumed.ToString());
        Assert.Contains("\"completed\": true", File.ReadAllText(Path.Combine(run, "summary.json")));
    }
}
