using System;
using System.IO;

namespace MixupSharp.Training.Runs;

/// <summary>Creating the folders a command writes into, with one plain line when that cannot be done.</summary>
public static class Folders
{
    /// <summary>
    /// Creates <paramref name="path"/> (and its parents) if needed. An <see cref="IOException"/> names
    /// <paramref name="what"/> and says why not: a part of the path is a file, or the place cannot be written to.
    /// </summary>
    public static void Create(string what, string path)
    {
        string full = Path.GetFullPath(path);
        for (string? dir = full; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(dir))
            {
                throw new IOException($"{what} {path} cannot be created: {dir} is a file, not a folder.");
            }
        }

        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{what} {path} cannot be created or written to ({e.Message.Split('\n')[0].TrimEnd('.')}).", e);
        }
    }
}
