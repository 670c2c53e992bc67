using System;
using System.IO;
using System.Runtime.InteropServices;

namespace MixupSharp.Cli;

/// <summary>
/// The one rule for files the CLI writes at a path a person names (export --out, predict/eval --json, learning-curve
/// --out): an existing file is replaced only with --overwrite, and anything that is not a regular file (a folder, a
/// device such as /dev/full, a FIFO, a link to one) is never replaced.
/// </summary>
public static class OutputFile
{
    /// <summary>Refuses <paramref name="path"/> (given as <paramref name="flag"/>) unless it may be written; a usage error names both.</summary>
    public static void Check(string flag, string path, bool overwrite)
    {
        var info = new FileInfo(path);
        if (Directory.Exists(path))
        {
            throw new UsageException($"{flag} {path} is a folder; give the path of a file to write.");
        }

        if (!info.Exists && info.LinkTarget is null)
        {
            string? parent = Path.GetDirectoryName(Path.GetFullPath(path));
            if (parent is not null && !Directory.Exists(parent))
            {
                throw new UsageException($"{flag} {path}: the folder {parent} does not exist.");
            }

            return;
        }

        if (!IsRegularFile(path))
        {
            throw new UsageException($"{flag} {path} exists and is not a regular file (a device, FIFO, socket or broken link); it is never replaced.");
        }

        if (!overwrite)
        {
            throw new UsageException($"{flag} {path} already exists; pass --overwrite to replace it.");
        }
    }

    /// <summary>Whether <paramref name="path"/> (links followed) is a regular file, from stat(2)'s type bits.</summary>
    public static bool IsRegularFile(string path) => NotARegularFile(path) is null;

    /// <summary>
    /// What <paramref name="path"/> is when it is not a regular file (links followed): "a folder", "a FIFO", "a device",
    /// "a socket", "a broken symbolic link", "a symbolic link loop", "missing"; null for a regular file.
    /// </summary>
    public static string? NotARegularFile(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return File.Exists(path) ? null : Directory.Exists(path) ? "a folder" : "missing";
        }

        // struct stat's st_mode: offset 24 on x86-64, 16 on 64-bit Arm (glibc ≥ 2.33 exports stat itself).
        int offset = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 16 : 24;
        byte[] buffer = new byte[256];
        if (Stat(path, buffer) != 0)
        {
            const int Eloop = 40;
            int errno = Marshal.GetLastPInvokeError();   // read first: other calls may overwrite it
            return errno == Eloop ? "a symbolic link loop" : new FileInfo(path).LinkTarget is not null ? "a broken symbolic link" : "missing";
        }

        uint mode = BitConverter.ToUInt32(buffer, offset) & 0xF000;   // S_IFMT
        return mode switch
        {
            0x8000 => null,
            0x4000 => "a folder",
            0x1000 => "a FIFO",
            0x2000 or 0x6000 => "a device",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
    }

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);
}
