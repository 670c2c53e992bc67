using System;
using System.Diagnostics;
using System.IO;
using MixupSharp.Tests.Support;
using Xunit;

namespace MixupSharp.Tests.Reliability;

/// <summary>
/// Reliability item 7: `./mixup` rebuilt on every call once a Debug build had rewritten generated files under obj/.
/// The wrapper runs here in a copy of the layout it expects, with a stand-in `dotnet` that records what it is asked.
/// </summary>
public sealed class WrapperScriptTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mixupsharp-wrapper-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Log => Path.Combine(_root, "dotnet-calls.log");

    private static void Touch(string path, DateTime when)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path))
        {
            File.WriteAllText(path, "// test\n");
        }

        File.SetLastWriteTimeUtc(path, when);
    }

    private string RunWrapper()
    {
        File.Delete(Log);
        var start = new ProcessStartInfo("bash", $"{Path.Combine(_root, "mixup")} --version");
        start.Environment["PATH"] = Path.Combine(_root, "fakebin") + ":" + Environment.GetEnvironmentVariable("PATH");
        using var child = ProcessRunner.Start(start);
        Assert.True(child.Process.WaitForExit(TimeSpan.FromSeconds(30)), "the wrapper did not finish");
        child.Process.WaitForExit();
        Assert.True(child.Process.ExitCode == 0, child.Output);
        return File.Exists(Log) ? File.ReadAllText(Log) : string.Empty;
    }

    [Fact]
    public void GeneratedFilesUnderObjDoNotTriggerARebuildButASourceOrProjectFileDoes()
    {
        File.Copy(Path.Combine(RepoPaths.RepoRoot, "mixup"), Path.Combine(_root, "mixup"));
        string fakeDotnet = Path.Combine(_root, "fakebin", "dotnet");
        Directory.CreateDirectory(Path.GetDirectoryName(fakeDotnet)!);
        File.WriteAllText(fakeDotnet, $"#!/usr/bin/env bash\necho \"$*\" >> '{Log}'\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(fakeDotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var old = DateTime.UtcNow.AddHours(-2);
        var built = DateTime.UtcNow.AddHours(-1);
        var now = DateTime.UtcNow;
        Touch(Path.Combine(_root, "src", "MixupSharp.Cli", "Program.cs"), old);
        Touch(Path.Combine(_root, "src", "MixupSharp.Cli", "MixupSharp.Cli.csproj"), old);
        Touch(Path.Combine(_root, "build", "Patcher.cs"), old);
        Touch(Path.Combine(_root, "src", "MixupSharp.Cli", "bin", "Release", "net10.0", "MixupSharp.Cli.dll"), built);

        // What a Debug build leaves behind: generated sources newer than the Release DLL, under obj/ and bin/.
        Touch(Path.Combine(_root, "src", "MixupSharp.Cli", "obj", "Debug", "net10.0", "MixupSharp.Cli.AssemblyInfo.cs"), now);
        Touch(Path.Combine(_root, "src", "MixupSharp", "bin", "Debug", "net10.0", "Generated.cs"), now);
        string calls = RunWrapper();
        Assert.DoesNotContain("build", calls);
        Assert.Contains("MixupSharp.Cli.dll --version", calls);

        Touch(Path.Combine(_root, "src", "MixupSharp.Cli", "MixupSharp.Cli.csproj"), now);
        Assert.Contains("build", RunWrapper());
        Touch(Path.Combine(_root, "src", "MixupSharp.Cli", "MixupSharp.Cli.csproj"), old);
        Touch(Path.Combine(_root, "src", "MixupSharp.Cli", "Program.cs"), now);
        Assert.Contains("build", RunWrapper());
    }
}
