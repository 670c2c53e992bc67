using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace MixupSharp.Training.Data;

/// <summary>
/// Finds a dataset on disk. Looks, in order: an explicit folder, the <c>MIXUPSHARP_DATA</c> environment variable, the
/// per-user cache (<c>$XDG_CACHE_HOME/mixupsharp</c> or <c>~/.cache/mixupsharp</c>), and the folders Linux packages
/// install (Debian's <c>dataset-fashion-mnist</c> puts Fashion-MNIST in <c>/usr/share/datasets/fashion-mnist</c>).
/// </summary>
public static class DataLocator
{
    /// <summary>The environment variable naming a data root.</summary>
    public const string EnvironmentVariable = "MIXUPSHARP_DATA";

    /// <summary>The per-user cache root, where downloads go.</summary>
    public static string UserCacheRoot()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg;
        return Path.Combine(root, "mixupsharp");
    }

    /// <summary>Every folder looked in for <paramref name="kind"/>, in order (existing or not).</summary>
    public static IReadOnlyList<string> Candidates(DatasetKind kind, string? explicitDirectory = null)
    {
        string name = DatasetCatalog.Name(kind);
        var list = new List<string>();
        if (!string.IsNullOrEmpty(explicitDirectory))
        {
            list.Add(explicitDirectory);
            list.Add(Path.Combine(explicitDirectory, name));
        }

        string? env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(env))
        {
            list.Add(env);
            list.Add(Path.Combine(env, name));
        }

        list.Add(Path.Combine(UserCacheRoot(), name));
        if (kind == DatasetKind.FashionMnist)
        {
            list.Add("/usr/share/datasets/fashion-mnist");
        }

        if (kind == DatasetKind.Mnist)
        {
            list.Add("/usr/share/datasets/mnist");
        }

        return list.Distinct().ToList();
    }

    /// <summary>Whether <paramref name="directory"/> holds <paramref name="kind"/>'s files.</summary>
    public static bool Holds(DatasetKind kind, string directory) => kind switch
    {
        DatasetKind.FashionMnist or DatasetKind.Mnist => MnistFormat.IsPresent(directory),
        DatasetKind.Cifar10 => File.Exists(Path.Combine(directory, "batches.meta.txt")) || File.Exists(Path.Combine(directory, CifarFormat.Cifar10Folder, "batches.meta.txt")),
        _ => File.Exists(Path.Combine(directory, "fine_label_names.txt")) || File.Exists(Path.Combine(directory, CifarFormat.Cifar100Folder, "fine_label_names.txt")),
    };

    /// <summary>The first candidate folder that holds the dataset.</summary>
    /// <exception cref="DirectoryNotFoundException">Nowhere; the message lists every place looked and how to get the data.</exception>
    public static string Find(DatasetKind kind, string? explicitDirectory = null)
    {
        if (!string.IsNullOrEmpty(explicitDirectory))
        {
            // An explicit folder is a promise: it is used, or the load fails naming it; the fallback chain is for when
            // no folder is given.
            return FindIn(kind, explicitDirectory);
        }

        var candidates = Candidates(kind, explicitDirectory);
        foreach (var dir in candidates)
        {
            if (Directory.Exists(dir) && Holds(kind, dir))
            {
                return dir;
            }
        }

        string name = DatasetCatalog.Name(kind);
        string cache = Path.Combine(UserCacheRoot(), name);
        string how = kind == DatasetKind.FashionMnist
            ? $"install it with `sudo apt-get install dataset-fashion-mnist`, or download it into {cache} with MixupSharp.Training.Data.DatasetDownloader"
            : $"download it into {cache} with MixupSharp.Training.Data.DatasetDownloader (official address, checksum verified), or put the official files in one of these folders";
        throw new DirectoryNotFoundException(
            $"{name} was not found; looked in {string.Join(", ", candidates)}. To get it, {how}.");
    }

    /// <summary>Loads a split of <paramref name="kind"/> from wherever <see cref="Find"/> finds it.</summary>
    public static InMemoryDataset Load(DatasetKind kind, bool train, string? explicitDirectory = null, bool coarseLabels = false)
    {
        string dir = Find(kind, explicitDirectory);
        return kind switch
        {
            DatasetKind.FashionMnist => MnistFormat.Load(dir, MnistVariant.FashionMnist, train),
            DatasetKind.Mnist => MnistFormat.Load(dir, MnistVariant.Mnist, train),
            DatasetKind.Cifar10 => CifarFormat.LoadCifar10(dir, train),
            _ => CifarFormat.LoadCifar100(dir, train, coarseLabels),
        };
    }

    /// <summary>
    /// The folder holding <paramref name="kind"/> in an explicitly given <paramref name="directory"/> (the folder itself or
    /// its sub-folder named like the dataset); otherwise a <see cref="DirectoryNotFoundException"/> naming the folder and
    /// what is missing in it. No other place is looked in.
    /// </summary>
    public static string FindIn(DatasetKind kind, string directory)
    {
        string name = DatasetCatalog.Name(kind);
        string nested = Path.Combine(directory, name);
        foreach (var dir in new[] { directory, nested })
        {
            if (Directory.Exists(dir) && Holds(kind, dir))
            {
                return dir;
            }
        }

        if (File.Exists(directory))
        {
            throw new DirectoryNotFoundException($"the data folder {directory} is a file, not a folder.");
        }

        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"the data folder {directory} does not exist (an explicit data folder is used or the run fails; no other place is looked in).");
        }

        string where = Directory.Exists(nested) ? nested : directory;
        throw new DirectoryNotFoundException($"the data folder {directory} does not hold {name}: {where} lacks {string.Join(", ", Missing(kind, where))} (an explicit data folder is used or the run fails; no other place is looked in).");
    }

    /// <summary>The files of <paramref name="kind"/> that <paramref name="directory"/> lacks (a folder in a file's place counts as missing).</summary>
    public static IReadOnlyList<string> Missing(DatasetKind kind, string directory) => kind switch
    {
        DatasetKind.FashionMnist or DatasetKind.Mnist => MnistFormat.FileStems
            .Where(stem => !File.Exists(Path.Combine(directory, stem + ".gz")) && !File.Exists(Path.Combine(directory, stem)))
            .Select(stem => stem + ".gz").ToList(),
        DatasetKind.Cifar10 => new[] { $"batches.meta.txt (in it or in {CifarFormat.Cifar10Folder}/)" },
        _ => new[] { $"fine_label_names.txt (in it or in {CifarFormat.Cifar100Folder}/)" },
    };
}
