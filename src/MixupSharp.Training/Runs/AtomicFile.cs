using System;
using System.IO;
using System.Text;

namespace MixupSharp.Training.Runs;

/// <summary>
/// Files written whole or not at all: the bytes go to a temporary file beside the target, are flushed to disk, and the
/// temporary file is renamed over the target. A crash, a kill or a full disk at any moment leaves the previous file as it
/// was, and never a truncated one; the temporary file is removed when the write fails.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        // One writer per file (run folders are locked), so the temporary name is fixed: a stale one from a crash is overwritten.
        string temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                file.Write(content);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8, no byte order mark) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));
}
