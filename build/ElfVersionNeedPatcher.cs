// Makes one symbol-version need of an ELF shared library optional ("weak"), so the dynamic loader
// accepts the library on a system whose C++ runtime lacks that version.
//
// Why: TorchSharp 0.107.0's libLibTorchSharp.so was linked with GCC 13 and needs GLIBCXX_3.4.32 from
// libstdc++.so.6, which Debian 12 (GCC 12, up to GLIBCXX_3.4.30) does not have. The only symbol bound to
// that version is std::ios_base_library_init, a marker reference that is never called, so marking the
// need weak (VER_FLG_WEAK in its Elf64_Vernaux) lets the library load and work. See
// shared/docs/torchsharp-on-debian12.md.
//
// This one file serves two builds: MSBuild compiles it as an inline task (RoslynCodeTaskFactory, see
// MixupSharp.targets), and the test project compiles it with MIXUPSHARP_ELF_NO_MSBUILD defined to test
// the patcher without MSBuild.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace MixupSharp.Build
{
    /// <summary>What <see cref="ElfVersionNeedPatcher.MakeWeak"/> found and did.</summary>
    public enum ElfPatchOutcome
    {
        /// <summary>The version need was found and its weak flag was set now.</summary>
        Patched,
        /// <summary>The version need was found and was already weak; the file was not written.</summary>
        AlreadyWeak,
        /// <summary>The file needs no such version; it was not written.</summary>
        NotNeeded,
    }

    /// <summary>Reads and edits the version-needs section (<c>.gnu.version_r</c>) of a 64-bit little-endian ELF file.</summary>
    public static class ElfVersionNeedPatcher
    {
        /// <summary>The <c>vna_flags</c> bit that makes a version need optional.</summary>
        public const ushort VerFlagWeak = 0x2;

        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const int ElfHeaderSize = 64;
        private const int SectionHeaderSize = 64;
        private const int VerneedSize = 16;
        private const int VernauxSize = 16;

        /// <summary>One version need: the library that must provide it, the version name, its flags and the file offset of the flags.</summary>
        public readonly struct VersionNeed
        {
            /// <summary>Creates a record of one version need.</summary>
            public VersionNeed(string file, string name, ushort flags, long flagsOffset)
            {
                File = file;
                Name = name;
                Flags = flags;
                FlagsOffset = flagsOffset;
            }

            /// <summary>The needed library, e.g. <c>libstdc++.so.6</c>.</summary>
            public string File { get; }

            /// <summary>The version name, e.g. <c>GLIBCXX_3.4.32</c>.</summary>
            public string Name { get; }

            /// <summary>The <c>vna_flags</c> field.</summary>
            public ushort Flags { get; }

            /// <summary>The byte offset of <c>vna_flags</c> in the file.</summary>
            public long FlagsOffset { get; }

            /// <summary>Whether <see cref="VerFlagWeak"/> is set.</summary>
            public bool IsWeak => (Flags & VerFlagWeak) != 0;
        }

        /// <summary>Lists every version need of the ELF file at <paramref name="path"/>.</summary>
        /// <exception cref="InvalidDataException">The file is not a 64-bit little-endian ELF file, or is truncated or inconsistent.</exception>
        public static IReadOnlyList<VersionNeed> ReadVersionNeeds(string path)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return ReadVersionNeeds(stream, path);
        }

        /// <summary>
        /// Sets <see cref="VerFlagWeak"/> on every need of version <paramref name="versionName"/> (from any library), changing
        /// only those two-byte fields in place. Idempotent.
        /// </summary>
        /// <exception cref="InvalidDataException">The file is not a 64-bit little-endian ELF file, or is truncated or inconsistent.</exception>
        public static ElfPatchOutcome MakeWeak(string path, string versionName)
        {
            if (string.IsNullOrEmpty(versionName))
            {
                throw new ArgumentException("versionName must name a symbol version, e.g. GLIBCXX_3.4.32; got an empty string.", nameof(versionName));
            }

            // Read, decide, then write a patched copy beside the file and rename it over the file: the output copy may be
            // a hard link into the NuGet cache (CreateHardLinksForCopyLocalIfPossible), and writing in place would
            // patch the cache too. The rename replaces the link, never the file it points to.
            byte[] bytes = File.ReadAllBytes(path);
            IReadOnlyList<VersionNeed> needs;
            using (var reader = new MemoryStream(bytes, writable: false))
            {
                needs = ReadVersionNeeds(reader, path);
            }

            bool found = false;
            bool wrote = false;
            foreach (var need in needs)
            {
                if (need.Name != versionName)
                {
                    continue;
                }

                found = true;
                if (need.IsWeak)
                {
                    continue;
                }

                ushort flags = (ushort)(need.Flags | VerFlagWeak);
                bytes[(int)need.FlagsOffset] = (byte)(flags & 0xff);
                bytes[(int)need.FlagsOffset + 1] = (byte)(flags >> 8);
                wrote = true;
            }

            if (wrote)
            {
                string temp = path + ".mixupsharp-patch.tmp";
                try
                {
                    using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
                    {
                        file.Write(bytes, 0, bytes.Length);
                        file.Flush(flushToDisk: true);
                    }

                    CopyMode(path, temp);

                    // Deleting removes only this directory entry (a hard link's other names keep the original bytes);
                    // File.Move's overwrite overload is not available to MSBuild's inline tasks (netstandard).
                    File.Delete(path);
                    File.Move(temp, path);
                }
                finally
                {
                    if (File.Exists(temp))
                    {
                        File.Delete(temp);
                    }
                }

                return ElfPatchOutcome.Patched;
            }

            return found ? ElfPatchOutcome.AlreadyWeak : ElfPatchOutcome.NotNeeded;
        }

        /// <summary>Gives <paramref name="target"/> the Unix permissions of <paramref name="source"/> (a shared library keeps its execute bits).</summary>
        private static void CopyMode(string source, string target)
        {
#if NET7_0_OR_GREATER
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(target, File.GetUnixFileMode(source));
            }
#endif
        }

        private static IReadOnlyList<VersionNeed> ReadVersionNeeds(Stream stream, string path)
        {
            long length = stream.Length;
            byte[] header = ReadAt(stream, path, 0, ElfHeaderSize, "the ELF header");
            if (header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F')
            {
                throw new InvalidDataException($"{path}: not an ELF file (expected the magic bytes 7F 45 4C 46, got {header[0]:X2} {header[1]:X2} {header[2]:X2} {header[3]:X2}).");
            }

            if (header[4] != 2 || header[5] != 1)
            {
                throw new InvalidDataException($"{path}: expected a 64-bit little-endian ELF file (EI_CLASS 2, EI_DATA 1); got EI_CLASS {header[4]}, EI_DATA {header[5]}.");
            }

            long shoff = checked((long)U64(header, 0x28));
            int shentsize = U16(header, 0x3A);
            int shnum = U16(header, 0x3C);
            if (shnum == 0 || shoff == 0)
            {
                throw new InvalidDataException($"{path}: the ELF file has no section header table, so its version needs cannot be found.");
            }

            if (shentsize != SectionHeaderSize)
            {
                throw new InvalidDataException($"{path}: expected section headers of {SectionHeaderSize} bytes; the ELF header says {shentsize}.");
            }

            byte[] sections = ReadAt(stream, path, shoff, (long)shnum * SectionHeaderSize, "the section header table");
            var result = new List<VersionNeed>();
            for (int s = 0; s < shnum; s++)
            {
                int sh = s * SectionHeaderSize;
                if (U32(sections, sh + 4) != ShtGnuVerneed)
                {
                    continue;
                }

                long offset = checked((long)U64(sections, sh + 0x18));
                long size = checked((long)U64(sections, sh + 0x20));
                int link = (int)U32(sections, sh + 0x28);
                int count = (int)U32(sections, sh + 0x2C);
                if (link <= 0 || link >= shnum)
                {
                    throw new InvalidDataException($"{path}: the version-needs section links to string table {link}, but the file has {shnum} sections.");
                }

                int strtabHeader = link * SectionHeaderSize;
                long strOffset = checked((long)U64(sections, strtabHeader + 0x18));
                long strSize = checked((long)U64(sections, strtabHeader + 0x20));
                byte[] strings = ReadAt(stream, path, strOffset, strSize, "the dynamic string table");
                byte[] verneed = ReadAt(stream, path, offset, size, "the version-needs section");

                long entry = 0;
                for (int n = 0; n < count; n++)
                {
                    RequireInside(path, entry, VerneedSize, size, "a version-need entry");
                    int vn = (int)entry;
                    int auxCount = U16(verneed, vn + 2);
                    string file = ReadString(strings, U32(verneed, vn + 4), path);
                    long aux = entry + U32(verneed, vn + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        RequireInside(path, aux, VernauxSize, size, "a version-need auxiliary entry");
                        int vna = (int)aux;
                        ushort flags = U16(verneed, vna + 4);
                        string name = ReadString(strings, U32(verneed, vna + 8), path);
                        result.Add(new VersionNeed(file, name, flags, offset + aux + 4));
                        uint nextAux = U32(verneed, vna + 12);
                        if (nextAux == 0)
                        {
                            break;
                        }

                        aux += nextAux;
                    }

                    uint next = U32(verneed, vn + 12);
                    if (next == 0)
                    {
                        break;
                    }

                    entry += next;
                }
            }

            return result;
        }

        // Little-endian field readers (the inline-task compiler has no System.Memory, so no spans here).
        private static ushort U16(byte[] b, int at) => (ushort)(b[at] | (b[at + 1] << 8));

        private static uint U32(byte[] b, int at) => (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));

        private static ulong U64(byte[] b, int at) => U32(b, at) | ((ulong)U32(b, at + 4) << 32);

        private static void RequireInside(string path, long at, int size, long sectionSize, string what)
        {
            if (at < 0 || at + size > sectionSize)
            {
                throw new InvalidDataException($"{path}: {what} at offset {at} runs past the end of its section ({sectionSize} bytes).");
            }
        }

        private static byte[] ReadAt(Stream stream, string path, long offset, long count, string what)
        {
            if (offset < 0 || count < 0 || count > int.MaxValue || offset + count > stream.Length)
            {
                throw new InvalidDataException($"{path}: truncated or corrupt: {what} needs bytes {offset}..{offset + count} but the file is {stream.Length} bytes long.");
            }

            var buffer = new byte[count];
            stream.Position = offset;
            int read = 0;
            while (read < count)
            {
                int n = stream.Read(buffer, read, (int)count - read);
                if (n == 0)
                {
                    throw new InvalidDataException($"{path}: truncated: {what} ended after {read} of {count} bytes.");
                }

                read += n;
            }

            return buffer;
        }

        private static string ReadString(byte[] table, uint offset, string path)
        {
            if (offset >= table.Length)
            {
                throw new InvalidDataException($"{path}: a string offset {offset} lies outside the string table ({table.Length} bytes).");
            }

            int end = Array.IndexOf(table, (byte)0, (int)offset);
            if (end < 0)
            {
                throw new InvalidDataException($"{path}: the string at offset {offset} is not terminated inside the string table.");
            }

            return Encoding.ASCII.GetString(table, (int)offset, end - (int)offset);
        }
    }

#if !MIXUPSHARP_ELF_NO_MSBUILD
    /// <summary>
    /// MSBuild task: makes the GLIBCXX_3.4.32 need of each given libLibTorchSharp.so weak, and removes the
    /// stale native-library folders a failed TorchSharp load leaves behind.
    /// </summary>
    public sealed class MixupSharpPatchTorchNative : Microsoft.Build.Utilities.Task
    {
        /// <summary>The native libraries to patch (copies in an output folder, never the NuGet cache).</summary>
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>Folders that TorchSharp's fallback fills when the load fails (e.g. bin/Debug/net10.0/cpu).</summary>
        public Microsoft.Build.Framework.ITaskItem[] StaleFolders { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>The version need to make weak.</summary>
        public string VersionName { get; set; } = "GLIBCXX_3.4.32";

        /// <inheritdoc />
        public override bool Execute()
        {
            foreach (var item in StaleFolders)
            {
                string folder = item.ItemSpec;
                if (Directory.Exists(folder) && (Directory.GetFiles(folder, "libtorch*").Length > 0 || Directory.GetFiles(folder, "libLibTorchSharp*").Length > 0))
                {
                    Directory.Delete(folder, recursive: true);
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, $"MixupSharp: removed stale TorchSharp fallback folder {folder}");
                }
            }

            foreach (var item in Files)
            {
                string file = item.GetMetadata("FullPath");
                string normalized = file.Replace('\\', '/');
                if (normalized.Contains("/.nuget/packages/") || normalized.Contains("/nuget/packages/"))
                {
                    Log.LogWarning($"MixupSharp: refusing to patch {file}: it lies in a NuGet package cache; only output copies are patched.");
                    continue;
                }

                try
                {
                    var outcome = ElfVersionNeedPatcher.MakeWeak(file, VersionName);
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, $"MixupSharp: {file}: {VersionName} {outcome}");
                }
                catch (Exception e) when (e is InvalidDataException || e is IOException || e is UnauthorizedAccessException)
                {
                    Log.LogError($"MixupSharp: could not patch {file}: {e.Message}");
                }
            }

            return !Log.HasLoggedErrors;
        }
    }
#endif
}
