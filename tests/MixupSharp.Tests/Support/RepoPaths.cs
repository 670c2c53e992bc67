using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace MixupSharp.Tests.Support;

/// <summary>Paths the build recorded in the test assembly (see MixupSharp.Tests.csproj).</summary>
public static class RepoPaths
{
    public static string Metadata(string key) =>
        typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata {key} is missing");

    public static string RepoRoot => Metadata("RepoRoot");

    /// <summary>The pristine libLibTorchSharp.so in the NuGet cache (read only: never patched).</summary>
    public static string PristineTorchNative =>
        Path.Combine(Metadata("NuGetPackageRoot"), "torchsharp", Metadata("TorchSharpVersion"), "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    /// <summary>The copy of libLibTorchSharp.so in this test run's output folder, patched by the build.</summary>
    public static string OutputTorchNative =>
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
}
