using System;
using System.IO;
using System.Linq;
using MixupSharp.Build;
using MixupSharp.Tests.Support;
using Xunit;

namespace MixupSharp.Tests.Build;

/// <summary>
/// End to end: the MixupSharp NuGet package carries the Debian 12 native fix (buildTransitive), so a consumer that
/// only adds a PackageReference builds, gets a patched libLibTorchSharp.so and loads torch.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class PackageConsumptionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-pack-").FullName;
    private readonly string _version = "0.0.0-e2e" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff");

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);

        // The consumer's restore extracted this one-off version into the global packages folder; take it out again.
        string cached = Path.Combine(RepoPaths.Metadata("NuGetPackageRoot"), "mixupsharp", _version);
        if (Directory.Exists(cached))
        {
            Directory.Delete(cached, recursive: true);
        }
    }

    [Fact]
    public void PackedLibraryIsConsumableAndLoadsTorchOnThisMachine()
    {
        // Pack from a copy of the sources so the test never touches the repository's own bin/obj folders.
        string root = RepoPaths.RepoRoot;
        string src = Path.Combine(_dir, "src");
        SourceCopy.Copy(src, new[] { "Directory.Build.props", "Directory.Build.targets", "docs/package/README.md", "LICENSE", "build/MixupSharp.targets", "build/ElfVersionNeedPatcher.cs" }, "MixupSharp");
        string library = Path.Combine(root, "src", "MixupSharp");

        string feed = Path.Combine(_dir, "feed");
        var pack = ProcessRunner.Run("dotnet", $"pack src/MixupSharp/MixupSharp.csproj -c Release -o \"{feed}\" -p:Version={_version}", src, TimeSpan.FromMinutes(5));
        Assert.True(pack.ExitCode == 0, "dotnet pack failed:\n" + pack.Output);
        string package = Path.Combine(feed, $"MixupSharp.{_version}.nupkg");
        Assert.True(File.Exists(package), "no package at " + package + "\n" + pack.Output);
        Assert.True(File.Exists(Path.Combine(feed, $"MixupSharp.{_version}.snupkg")), "no symbols package beside the package");
        Assert.DoesNotContain("warning", pack.Output, StringComparison.OrdinalIgnoreCase);   // no SourceLink warning in a folder without a GitHub remote
        AssertThePdbEmbedsEverySource(Path.Combine(feed, $"MixupSharp.{_version}.snupkg"), library, "MixupSharp");
        using (var zip = System.IO.Compression.ZipFile.OpenRead(package))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("buildTransitive/net10.0/MixupSharp.targets", entries);
            Assert.Contains("buildTransitive/net10.0/ElfVersionNeedPatcher.cs", entries);
            Assert.Contains("lib/net10.0/MixupSharp.dll", entries);
            Assert.Contains("lib/net10.0/MixupSharp.xml", entries);
            Assert.Contains("LICENSE", entries);
            using var readme = new StreamReader(zip.GetEntry("README.md")!.Open());
            Assert.Contains("dotnet add package MixupSharp", readme.ReadToEnd());   // the package page's README, not the repository's
            using var nuspec = new StreamReader(zip.GetEntry("MixupSharp.nuspec")!.Open());
            string spec = nuspec.ReadToEnd();
            Assert.Contains("<license type=\"expression\">MIT</license>", spec);
            Assert.Contains("<readme>README.md</readme>", spec);
            Assert.Contains("<dependency id=\"TorchSharp\"", spec);          // bindings only: the consumer picks the backend
            Assert.DoesNotContain("TorchSharp-cpu", spec);
        }

        string consumer = Path.Combine(_dir, "consumer");
        SourceCopy.WriteFeedConfig(consumer, feed);
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <NoWarn>NU1603;NU1900;NU1901;NU1902;NU1903;NU1904</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="MixupSharp" Version="{_version}" />
                <!-- The application's own backend choice: bindings plus the Linux CPU libtorch, nothing for other systems. -->
                <PackageReference Include="TorchSharp" Version="{RepoPaths.Metadata("TorchSharpVersion")}" />
                <PackageReference Include="libtorch-cpu-linux-x64" Version="2.10.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), """
            using MixupSharp.Mixing;
            using static TorchSharp.torch;
            using var g = new Generator(7);
            using var x = rand(new long[] { 4, 3, 8, 8 }, generator: g);
            using var y = tensor(new long[] { 0, 1, 2, 3 });
            using var batch = new CutMix(4).Apply(x, y, g);
            System.Console.WriteLine($"LOADED targets-sum={batch.Targets.sum().item<float>():F3}");
            """);

        // A stale fallback folder, as a failed TorchSharp load leaves it, must be removed by the build.
        string output = Path.Combine(consumer, "bin", "Release", "net10.0");
        string stale = Path.Combine(output, "cpu");
        Directory.CreateDirectory(stale);
        File.WriteAllText(Path.Combine(stale, "libtorch_cpu.so"), "left by a failed load");

        var build = ProcessRunner.Run("dotnet", "build -c Release", consumer, TimeSpan.FromMinutes(5));
        Assert.True(build.ExitCode == 0, "consumer build failed:\n" + build.Output);
        Assert.False(Directory.Exists(stale), "the stale bin/**/cpu folder was not removed");
        string native = Path.Combine(output, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(ElfVersionNeedPatcher.ReadVersionNeeds(native).Single(n => n.Name == "GLIBCXX_3.4.32").IsWeak, "the consumer's copy was not patched");

        var run = ProcessRunner.Run("dotnet", Path.Combine(output, "Consumer.dll"), consumer, TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, "consumer failed to run:\n" + run.Output);

        // Hard-linked copy-local: the output copy is patched, the cached library keeps its bytes.
        string cached = Path.Combine(RepoPaths.Metadata("NuGetPackageRoot"), "torchsharp", RepoPaths.Metadata("TorchSharpVersion"), "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        string cacheHash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(cached)));
        var linked = ProcessRunner.Run("dotnet", "build -c Release -p:CreateHardLinksForCopyLocalIfPossible=true -o linked", consumer, TimeSpan.FromMinutes(5));
        Assert.True(linked.ExitCode == 0, "hard-linked build failed:\n" + linked.Output);
        Assert.True(ElfVersionNeedPatcher.ReadVersionNeeds(Path.Combine(consumer, "linked", "runtimes", "linux-x64", "native", "libLibTorchSharp.so")).Single(n => n.Name == "GLIBCXX_3.4.32").IsWeak);
        Assert.Equal(cacheHash, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(cached))));

        // A single-file publish with self-extracted natives bundles the patched copy, and runs.
        var single = ProcessRunner.Run("dotnet", "publish -c Release -r linux-x64 --self-contained false -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -o single", consumer, TimeSpan.FromMinutes(5));
        Assert.True(single.ExitCode == 0, "single-file publish failed:\n" + single.Output);
        // Extract into the test's folder, not ~/.net, so the 500 MB of natives go when the test does.
        var start = new System.Diagnostics.ProcessStartInfo(Path.Combine(consumer, "single", "Consumer")) { WorkingDirectory = consumer };
        start.Environment["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = Path.Combine(_dir, "extract");
        using var bundled = ProcessRunner.Start(start);
        Assert.True(bundled.Process.WaitForExit(TimeSpan.FromMinutes(2)), "the single-file app did not finish");
        bundled.Process.WaitForExit();
        Assert.True(bundled.Process.ExitCode == 0 && bundled.Output.Contains("LOADED", StringComparison.Ordinal), "the single-file app failed:\n" + bundled.Output);
        Assert.Equal(cacheHash, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(cached))));

        // A project on an older framework is told at restore, not left to fail compiling with CS0246: the build
        // files sit under a net10.0 folder, so NuGet knows the package's frameworks.
        string old = Path.Combine(_dir, "consumer-net8");
        Directory.CreateDirectory(old);
        File.Copy(Path.Combine(consumer, "nuget.config"), Path.Combine(old, "nuget.config"));
        File.Copy(Path.Combine(consumer, "Program.cs"), Path.Combine(old, "Program.cs"));
        File.WriteAllText(Path.Combine(old, "Old.csproj"), File.ReadAllText(Path.Combine(consumer, "Consumer.csproj")).Replace("<TargetFramework>net10.0</TargetFramework>", "<TargetFramework>net8.0</TargetFramework>"));
        var restore = ProcessRunner.Run("dotnet", "restore", old, TimeSpan.FromMinutes(3));
        Assert.NotEqual(0, restore.ExitCode);
        Assert.Contains("NU1202", restore.Output);
        Assert.Contains("supports: net10.0", restore.Output);
        Assert.Contains("LOADED targets-sum=4.000", run.Output);

        // Publishing copies a fresh, unpatched library; the publish output must be patched too.
        string published = Path.Combine(_dir, "published");
        var publish = ProcessRunner.Run("dotnet", $"publish -c Release --no-build -o \"{published}\"", consumer, TimeSpan.FromMinutes(5));
        Assert.True(publish.ExitCode == 0, "consumer publish failed:\n" + publish.Output);
        string publishedNative = Directory.GetFiles(published, "libLibTorchSharp.so", SearchOption.AllDirectories).Single();
        Assert.True(ElfVersionNeedPatcher.ReadVersionNeeds(publishedNative).Single(n => n.Name == "GLIBCXX_3.4.32").IsWeak, "the published copy was not patched");
        var runPublished = ProcessRunner.Run("dotnet", Path.Combine(published, "Consumer.dll"), consumer, TimeSpan.FromMinutes(2));
        Assert.Contains("LOADED targets-sum=4.000", runPublished.Output);
    }

    [Fact]
    public void TheTrainingPackageDependsOnTheLibraryAndCompilesTheReadmeSnippets()
    {
        string root = RepoPaths.RepoRoot;
        string src = Path.Combine(_dir, "src");
        SourceCopy.Copy(src, new[] { "Directory.Build.props", "Directory.Build.targets", "docs/package/README.md", "docs/package/Training.README.md", "LICENSE", "build/MixupSharp.targets", "build/ElfVersionNeedPatcher.cs" }, "MixupSharp", "MixupSharp.Training");

        string feed = Path.Combine(_dir, "feed");
        var pack = ProcessRunner.Run("dotnet", $"pack src/MixupSharp.Training/MixupSharp.Training.csproj -c Release -o \"{feed}\" -p:Version={_version}", src, TimeSpan.FromMinutes(5));
        Assert.True(pack.ExitCode == 0, "dotnet pack failed:\n" + pack.Output);
        var library = ProcessRunner.Run("dotnet", $"pack src/MixupSharp/MixupSharp.csproj -c Release -o \"{feed}\" -p:Version={_version}", src, TimeSpan.FromMinutes(5));
        Assert.True(library.ExitCode == 0, "dotnet pack failed:\n" + library.Output);
        Assert.DoesNotContain("warning", pack.Output, StringComparison.OrdinalIgnoreCase);
        AssertThePdbEmbedsEverySource(Path.Combine(feed, $"MixupSharp.Training.{_version}.snupkg"), Path.Combine(root, "src", "MixupSharp.Training"), "MixupSharp.Training");
        using (var zip = System.IO.Compression.ZipFile.OpenRead(Path.Combine(feed, $"MixupSharp.Training.{_version}.nupkg")))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("lib/net10.0/MixupSharp.Training.dll", entries);
            Assert.Contains("lib/net10.0/MixupSharp.Training.xml", entries);
            using var readme = new StreamReader(zip.GetEntry("README.md")!.Open());
            Assert.Contains("dotnet add package MixupSharp.Training", readme.ReadToEnd());
            using var nuspec = new StreamReader(zip.GetEntry("MixupSharp.Training.nuspec")!.Open());
            string spec = nuspec.ReadToEnd();
            Assert.Contains($"<dependency id=\"MixupSharp\" version=\"{_version}\"", spec);
            Assert.Contains("<dependency id=\"TorchSharp\"", spec);
            Assert.DoesNotContain("TorchSharp-cpu", spec);                 // never a backend
            Assert.DoesNotContain("TorchSharp-cuda", spec);
            Assert.DoesNotContain("libtorch", spec);
            Assert.DoesNotContain("Grpc.Tools", spec);                     // a build tool, not a dependency
        }

        // The consumer compiles the guides' snippets as they stand, against the two packages.
        string datasetsGuide = File.ReadAllText(Path.Combine(root, "docs", "guides", "datasets.md"));
        string trainingGuide = File.ReadAllText(Path.Combine(root, "docs", "guides", "training-cli.md"));
        string modelAwareGuide = File.ReadAllText(Path.Combine(root, "docs", "guides", "model-aware.md"));
        string consumer = Path.Combine(_dir, "training-consumer");
        SourceCopy.WriteFeedConfig(consumer, feed);
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <NoWarn>NU1603;NU1900;NU1901;NU1902;NU1903;NU1904;CS1591</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="MixupSharp.Training" Version="{_version}" />
                <PackageReference Include="TorchSharp" Version="{RepoPaths.Metadata("TorchSharpVersion")}" />
                <PackageReference Include="libtorch-cpu-linux-x64" Version="2.10.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "Datasets.cs"), "using MixupSharp.Training.Data;\nusing TorchSharp;\nusing static TorchSharp.torch;\n\ninternal static class DatasetsSnippet\n{\n    public static void Run(Generator generator)\n    {\n" + Snippet(datasetsGuide, "datasets") + "\n    }\n}\n");
        File.WriteAllText(Path.Combine(consumer, "Method.cs"), Snippet(trainingGuide, "add-your-own-method"));
        File.WriteAllText(Path.Combine(consumer, "Puzzle.cs"), "using MixupSharp.Losses;\nusing MixupSharp.Mixing;\nusing MixupSharp.Training.Models;\nusing TorchSharp;\nusing static TorchSharp.torch;\n\ninternal static class PuzzleSnippet\n{\n    public static void Run(StagedModel model, Tensor images, Tensor labels, Generator generator)\n    {\n" + Snippet(modelAwareGuide, "puzzlemix") + "\n    }\n}\n");
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), """
            using MixupSharp.Training.Methods;
            KnownMethods.Register(new ShiftMethod());
            System.Console.WriteLine($"REGISTERED {KnownMethods.Find("shift")!.Name} with --{ShiftMethod.Shift.Name}");
            """);
        var build = ProcessRunner.Run("dotnet", "build -c Release", consumer, TimeSpan.FromMinutes(5));
        Assert.True(build.ExitCode == 0, "the guides' snippets do not compile against the packages:\n" + build.Output);
        var run = ProcessRunner.Run("dotnet", Path.Combine(consumer, "bin", "Release", "net10.0", "Consumer.dll"), consumer, TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, "the consumer failed:\n" + run.Output);
        Assert.Contains("REGISTERED shift with --shift", run.Output);
    }

    /// <summary>The C# block after <c>&lt;!-- snippet: NAME --&gt;</c> in a markdown text, its list indentation removed.</summary>
    private static string Snippet(string markdown, string name)
    {
        int marker = markdown.IndexOf($"<!-- snippet: {name} -->", StringComparison.Ordinal);
        Assert.True(marker >= 0, $"the guide has no snippet '{name}'");
        var lines = markdown[marker..].Split('\n').Skip(1).ToList();
        int indent = lines[0].Length - lines[0].TrimStart().Length;
        Assert.Equal("```csharp", lines[0].Trim());
        var body = lines.Skip(1).TakeWhile(l => l.Trim() != "```").Select(l => l.Length >= indent ? l[indent..] : l.TrimStart());
        return string.Join('\n', body);
    }

    /// <summary>The symbols package's PDB holds every C# file of the library as embedded source, so a debugger needs no repository.</summary>
    private static void AssertThePdbEmbedsEverySource(string snupkg, string library, string assembly)
    {
        var embeddedSource = new Guid("0E8A571B-6926-466E-B4AD-8AB04611F5FE");
        using var zip = System.IO.Compression.ZipFile.OpenRead(snupkg);
        using var pdb = new MemoryStream();
        using (var entry = zip.GetEntry($"lib/net10.0/{assembly}.pdb")!.Open())
        {
            entry.CopyTo(pdb);
        }

        pdb.Position = 0;
        using var provider = System.Reflection.Metadata.MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();
        var embedded = reader.Documents
            .Where(d => reader.GetCustomDebugInformation(d).Any(c => reader.GetGuid(reader.GetCustomDebugInformation(c).Kind) == embeddedSource))
            .Select(d => Path.GetFileName(reader.GetString(reader.GetDocument(d).Name)))
            .ToHashSet();
        var sources = Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Select(f => Path.GetFileName(f)!).ToList();
        Assert.NotEmpty(sources);
        Assert.All(sources, f => Assert.True(embedded.Contains(f), $"{f} is not embedded in {assembly}.pdb"));
    }
}
