using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using Xunit;

namespace MixupSharp.Tests.Build;

/// <summary>
/// build/release.sh's linux-x64 archive, extracted into an empty folder, runs with no .NET on PATH and DOTNET_ROOT unset:
/// the version, a 1-epoch train on IDX files, an ONNX export and a prediction.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class ReleaseArchiveTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-release-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TheLinuxArchiveRunsWithoutTheSdk()
    {
        // Build from a copy of the sources, so the repository's bin and obj folders stay as they are.
        string src = Path.Combine(_dir, "src");
        SourceCopy.Copy(src, new[] { "Directory.Build.props", "Directory.Build.targets", "LICENSE", "build/MixupSharp.targets", "build/ElfVersionNeedPatcher.cs", "build/release.sh" }, "MixupSharp", "MixupSharp.Training", "MixupSharp.Cli");

        string dist = Path.Combine(_dir, "dist");
        var release = ProcessRunner.Run("bash", $"build/release.sh {dist}", src, TimeSpan.FromMinutes(10));
        Assert.True(release.ExitCode == 0, "build/release.sh failed:\n" + release.Output);
        string archive = Directory.GetFiles(dist, "mixup-*-linux-x64.tar.gz").Single();
        Assert.Matches(@"mixup-\d+\.\d+\.\d+-linux-x64\.tar\.gz$", archive);

        string install = Path.Combine(_dir, "install");
        Directory.CreateDirectory(install);
        var extract = ProcessRunner.Run("tar", $"-xzf {archive} -C {install}", _dir, TimeSpan.FromMinutes(3));
        Assert.True(extract.ExitCode == 0, extract.Output);
        string folderName = Path.GetFileName(archive)[..^".tar.gz".Length];
        string mixup = Path.Combine(install, folderName, "mixup");
        Assert.True(File.Exists(mixup), "no mixup in the archive");
        Assert.True(File.Exists(Path.Combine(install, folderName, "LICENSE")));

        var version = Run(mixup, "--version");
        Assert.True(version.Code == 0, version.Output);
        Assert.Matches(@"^mixup \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}|unknown)", version.Output.Trim());

        string data = Path.Combine(_dir, "data");
        DataFiles.WriteIdx(data, trainCount: 40, testCount: 20, gzip: true);
        string run = Path.Combine(_dir, "run");
        var train = Run(mixup, $"train --dataset fashion-mnist --data-dir {data} --model seednet --epochs 1 --batch-size 16 --threads 1 --out {run}");
        Assert.True(train.Code == 0, train.Output);
        var export = Run(mixup, $"export --run {run} --format onnx");
        Assert.True(export.Code == 0, export.Output);
        Assert.True(new FileInfo(Path.Combine(run, "model.onnx")).Length > 1_000_000);

        string image = Path.Combine(_dir, "shirt.png");
        using (var bitmap = new SkiaSharp.SKBitmap(28, 28))
        {
            bitmap.Erase(new SkiaSharp.SKColor(200, 200, 200));
            using var png = SkiaSharp.SKImage.FromBitmap(bitmap).Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(image, png.ToArray());
        }

        var predict = Run(mixup, $"predict --run {run} {image}");
        Assert.True(predict.Code == 0, predict.Output);
        Assert.Contains($"{image}: ", predict.Output);
    }

    // Runs the extracted executable with an environment that holds no .NET: PATH names an empty folder, DOTNET_ROOT unset.
    private (int Code, string Output) Run(string executable, string arguments)
    {
        var start = new ProcessStartInfo(executable, arguments) { WorkingDirectory = _dir };
        start.Environment.Clear();
        string emptyBin = Path.Combine(_dir, "empty-bin");
        Directory.CreateDirectory(emptyBin);
        start.Environment["PATH"] = emptyBin;
        start.Environment["HOME"] = Path.Combine(_dir, "home");
        start.Environment["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = Path.Combine(_dir, "extract");
        using var child = ProcessRunner.Start(start);
        Assert.True(child.Process.WaitForExit(TimeSpan.FromMinutes(3)), $"{executable} {arguments} did not finish");
        child.Process.WaitForExit();
        return (child.Process.ExitCode, child.Output);
    }
}
