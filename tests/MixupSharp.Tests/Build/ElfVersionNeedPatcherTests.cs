using System;
using System.IO;
using System.Linq;
using MixupSharp.Build;
using MixupSharp.Tests.Support;
using Xunit;

namespace MixupSharp.Tests.Build;

public sealed class ElfVersionNeedPatcherTests : IDisposable
{
    private const string Version = "GLIBCXX_3.4.32";
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-elf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string CopyOfPristine()
    {
        string copy = Path.Combine(_dir, "libLibTorchSharp.so");
        File.Copy(RepoPaths.PristineTorchNative, copy, overwrite: true);
        return copy;
    }

    [Fact]
    public void PristineLibraryNeedsTheVersionStrongly()
    {
        var needs = ElfVersionNeedPatcher.ReadVersionNeeds(RepoPaths.PristineTorchNative);
        var need = Assert.Single(needs, n => n.Name == Version);
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.False(need.IsWeak);
        Assert.Contains(needs, n => n.Name == "GLIBC_2.2.5" && n.File == "libc.so.6");
    }

    [Fact]
    public void PatchSetsTheWeakFlagAndChangesNothingElse()
    {
        string copy = CopyOfPristine();
        byte[] before = File.ReadAllBytes(copy);
        long flagsOffset = ElfVersionNeedPatcher.ReadVersionNeeds(copy).Single(n => n.Name == Version).FlagsOffset;

        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionNeedPatcher.MakeWeak(copy, Version));

        byte[] after = File.ReadAllBytes(copy);
        Assert.Equal(before.Length, after.Length);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToArray();
        Assert.Equal(new[] { (int)flagsOffset }, changed);
        Assert.Equal(before[flagsOffset] | ElfVersionNeedPatcher.VerFlagWeak, after[flagsOffset]);
        var needs = ElfVersionNeedPatcher.ReadVersionNeeds(copy);
        Assert.True(needs.Single(n => n.Name == Version).IsWeak);
        Assert.All(needs.Where(n => n.Name != Version), n => Assert.False(n.IsWeak));
    }

    [Fact]
    public void PatchingAHardLinkNeverWritesThroughToTheFileItLinksTo()
    {
        // CreateHardLinksForCopyLocalIfPossible makes the output copy a hard link into the NuGet cache: a patch written in
        // place would patch the cache too. The patcher writes a new file and renames it over the link instead.
        string cache = CopyOfPristine();
        string link = Path.Combine(_dir, "linked-libLibTorchSharp.so");
        var ln = ProcessRunner.Run("ln", $"\"{cache}\" \"{link}\"", _dir, TimeSpan.FromSeconds(10));
        Assert.True(ln.ExitCode == 0, ln.Output);
        string before = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(cache)));
        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionNeedPatcher.MakeWeak(link, Version));
        Assert.Equal(before, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(cache))));
        Assert.False(ElfVersionNeedPatcher.ReadVersionNeeds(cache).Single(n => n.Name == Version).IsWeak);
        Assert.True(ElfVersionNeedPatcher.ReadVersionNeeds(link).Single(n => n.Name == Version).IsWeak);
    }

    [Fact]
    public void PatchIsIdempotent()
    {
        string copy = CopyOfPristine();
        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionNeedPatcher.MakeWeak(copy, Version));
        byte[] once = File.ReadAllBytes(copy);
        var stamp = File.GetLastWriteTimeUtc(copy);
        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionNeedPatcher.MakeWeak(copy, Version));
        Assert.Equal(once, File.ReadAllBytes(copy));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(copy));
    }

    [Fact]
    public void AnAbsentVersionIsReportedAndNothingIsWritten()
    {
        string copy = CopyOfPristine();
        byte[] before = File.ReadAllBytes(copy);
        Assert.Equal(ElfPatchOutcome.NotNeeded, ElfVersionNeedPatcher.MakeWeak(copy, "GLIBCXX_9.9.99"));
        Assert.Equal(before, File.ReadAllBytes(copy));
    }

    [Fact]
    public void NonElfFileGivesAClearError()
    {
        string path = Path.Combine(_dir, "notes.txt");
        File.WriteAllText(path, "this is not a shared library, just text that is long enough to hold a header....");
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.MakeWeak(path, Version));
        Assert.Contains(path, e.Message);
        Assert.Contains("not an ELF file", e.Message);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(4096)]
    public void TruncatedFileGivesAClearErrorAndIsLeftAsItWas(int keep)
    {
        string path = Path.Combine(_dir, "truncated.so");
        File.WriteAllBytes(path, File.ReadAllBytes(RepoPaths.PristineTorchNative).Take(keep).ToArray());
        byte[] before = File.ReadAllBytes(path);
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.MakeWeak(path, Version));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains($"{keep} bytes long", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void BuildPatchedTheOutputCopyButNotTheNuGetCache()
    {
        Assert.True(ElfVersionNeedPatcher.ReadVersionNeeds(RepoPaths.OutputTorchNative).Single(n => n.Name == Version).IsWeak);
        Assert.False(ElfVersionNeedPatcher.ReadVersionNeeds(RepoPaths.PristineTorchNative).Single(n => n.Name == Version).IsWeak);
        Assert.False(Directory.Exists(Path.Combine(AppContext.BaseDirectory, "cpu")), "a stale TorchSharp fallback folder bin/**/cpu should have been removed");
    }
}
