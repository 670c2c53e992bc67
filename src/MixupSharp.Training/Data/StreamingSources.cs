using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Data;

/// <summary>
/// Builds a <see cref="StreamingImageDataset"/> from an image folder (one sub-folder per class) or a list file (CSV of
/// <c>path,label</c>, paths relative to the file, as Kaggle datasets come). Every file's header is read once up front,
/// so an unreadable or oversized file is named before training (or skipped with <c>skipCorrupt</c>); the pixels are
/// decoded only when a batch is read.
/// </summary>
public static class StreamingSources
{
    /// <summary>The images of <paramref name="directory"/>'s class folders (classes matched by name to <paramref name="classes"/> when given).</summary>
    public static StreamingImageDataset Folder(string directory, StreamingOptions options, IReadOnlyList<string>? classes = null, bool skipCorrupt = false, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (names, classFiles) = ImageFolder.Scan(directory, classes);
        var files = classFiles.SelectMany(c => c.Files.Select(f => (f, c.Label))).ToList();
        return Checked(Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)), files, names, options, skipCorrupt, warn);
    }

    /// <summary>
    /// The images a list file names. Its classes are its labels sorted by name (ordinal), unless <paramref name="classes"/>
    /// (a test list takes its training list's); errors name the file and the line.
    /// </summary>
    public static StreamingImageDataset List(string listFile, StreamingOptions options, IReadOnlyList<string>? classes = null, bool skipCorrupt = false, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var entries = ListFile.Read(listFile);
        var names = classes?.ToArray() ?? entries.Select(e => e.Label).Distinct().OrderBy(l => l, StringComparer.Ordinal).ToArray();
        if (names.Length < 2)
        {
            throw new DatasetFormatException(listFile, $"a classifier needs at least 2 classes; the list has {names.Length} ({string.Join(", ", names)}).");
        }

        var files = new List<(string, long)>();
        foreach (var entry in entries)
        {
            int label = Array.IndexOf(names, entry.Label);
            if (label < 0)
            {
                throw new DatasetFormatException(listFile, $"line {entry.Line}: the label '{entry.Label}' is not among the training classes ({string.Join(", ", names)}).");
            }

            files.Add((entry.Path, label));
        }

        return Checked(Path.GetFileNameWithoutExtension(listFile), files, names, options, skipCorrupt, warn);
    }

    /// <summary>Reads every file's header (in parallel), refusing or skipping the unreadable ones, and builds the dataset.</summary>
    private static StreamingImageDataset Checked(string name, List<(string File, long Label)> files, string[] names, StreamingOptions options, bool skipCorrupt, Action<string>? warn)
    {
        warn ??= m => Console.Error.WriteLine(m);
        var problems = new string?[files.Count];
        var pixels = new long[files.Count];
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = options.Workers }, i =>
        {
            if (ImageDecoder.Header(files[i].File, options.MaxPixels, out string? problem) is { } header)
            {
                pixels[i] = (long)header.Width * header.Height;
            }
            else
            {
                problems[i] = problem;
            }
        });
        var kept = new List<(string File, long Label)>();
        for (int i = 0; i < files.Count; i++)
        {
            if (problems[i] is not { } problem)
            {
                kept.Add(files[i]);
                continue;
            }

            if (!skipCorrupt)
            {
                throw new DatasetFormatException(files[i].File, $"{problem} (--skip-corrupt skips such files).");
            }

            warn($"warning: skipped {files[i].File}: {problem}");
        }

        if (kept.Count == 0)
        {
            throw new DatasetFormatException(name, "no image could be read.");
        }

        // The decoded images' size, for a cache that holds them only if they all fit (DecodedCache.Auto).
        long decodedBytes = 4 * Enumerable.Range(0, files.Count).Where(i => problems[i] is null).Sum(i => pixels[i]);
        var labels = torch.tensor(kept.Select(k => k.Label).ToArray(), dtype: ScalarType.Int64);
        return new StreamingImageDataset(name, kept.Select(k => k.File).ToArray(), labels, names, options, DecodedCache.For(options, decodedBytes, warn));
    }
}

/// <summary>A list file: CSV lines <c>path,label</c> (an optional first line <c>path,label</c> is a header), paths relative to the file.</summary>
public static class ListFile
{
    /// <summary>One line: the image's full path, its label text and its 1-based line number.</summary>
    public sealed record Entry(string Path, string Label, int Line);

    /// <summary>Reads the list; a malformed line or a missing image is a <see cref="DatasetFormatException"/> naming the line.</summary>
    public static IReadOnlyList<Entry> Read(string listFile)
    {
        if (!File.Exists(listFile))
        {
            throw new DatasetFormatException(listFile, "no such list file.");
        }

        string root = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(listFile))!;
        var entries = new List<Entry>();
        int number = 0;
        foreach (string raw in File.ReadLines(listFile))
        {
            number++;
            string line = raw.Trim();
            if (line.Length == 0 || (number == 1 && line.Equals("path,label", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            // The label is after the last comma, so a path may hold commas; a label may not.
            int comma = line.LastIndexOf(',');
            string path = comma > 0 ? line[..comma].Trim().Trim('"') : string.Empty, label = comma > 0 ? line[(comma + 1)..].Trim().Trim('"') : string.Empty;
            if (path.Length == 0 || label.Length == 0)
            {
                throw new DatasetFormatException(listFile, $"line {number}: expected 'path,label'; got '{Shorten(raw)}'.");
            }

            string full = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, path));
            if (!File.Exists(full))
            {
                throw new DatasetFormatException(listFile, $"line {number}: no such image '{path}' ({full}).");
            }

            entries.Add(new Entry(full, label, number));
        }

        if (entries.Count == 0)
        {
            throw new DatasetFormatException(listFile, "the list names no images; expected lines 'path,label'.");
        }

        return entries;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
