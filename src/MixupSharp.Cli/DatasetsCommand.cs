using System;
using System.IO;
using System.Linq;
using MixupSharp.Training.Data;

namespace MixupSharp.Cli;

/// <summary><c>mixup datasets</c>: where each dataset is found (files verified), or download or generate one.</summary>
public static class DatasetsCommand
{
    /// <summary>The verb's option table (for help and shell completion).</summary>
    public static OptionTable Table() => Table(new Settings());

    /// <summary>Runs the verb.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        var s = new Settings();
        var table = Table(s);
        if (table.HelpOrParse(args, output))
        {
            return 0;
        }

        var (download, dataDir, generate, perBatch, testCount) = (s.Download, s.DataDir, s.Generate, s.PerBatch, s.TestCount);
        if (generate is not null)
        {
            if (generate != "cifar10" || dataDir is null)
            {
                throw new UsageException("--generate supports cifar10 and needs --data-dir DIR.");
            }

            RandomCifar10.Write(dataDir, perBatch, testCount);
            output.WriteLine($"random-pixel CIFAR-10 files ({5 * perBatch} train + {testCount} test records) written into {Path.Combine(dataDir, CifarFormat.Cifar10Folder)}; for pipeline dry runs only, the labels mean nothing");
            return 0;
        }

        if (s.ExportFolder is { } folder)
        {
            var kind = DatasetCatalog.Parse(s.Dataset);
            if (s.Size < 1 || s.Size > 1024 || s.Channels is not (1 or 3))
            {
                throw new UsageException($"--size must be 1–1024 and --channels 1 or 3; got {s.Size} and {s.Channels}.");
            }

            if (File.Exists(folder) || (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any()))
            {
                throw new UsageException($"--export-folder {folder} already exists and is not an empty folder; name a new one.");
            }

            using var generator = new TorchSharp.torch.Generator((ulong)s.Seed);
            foreach (var (split, count) in new[] { ("train", s.TrainCount), ("test", s.ExportTestCount) })
            {
                using var all = DataLocator.Load(kind, train: split == "train", dataDir);
                if (count is { } n && (n < all.NumClasses || n > all.Count))
                {
                    throw new UsageException($"--{split}-count must be between {all.NumClasses} and {all.Count}; got {n}.");
                }

                using var subset = count is { } take && take < all.Count ? DatasetTransforms.StratifiedSubset(all, take, generator) : null;
                long written = FolderExport.Write((InMemoryDataset?)subset ?? all, folder, split, s.Size, s.Channels);
                output.WriteLine($"{written} {split} images of {DatasetCatalog.Name(kind)} written as {s.Size}×{s.Size} PNG ({(s.Channels == 3 ? "RGB" : "grey")}) under {Path.Combine(folder, split)}");
            }

            return 0;
        }

        if (download is not null)
        {
            var kind = DatasetCatalog.Parse(download);
            string target = dataDir ?? Path.Combine(DataLocator.UserCacheRoot(), DatasetCatalog.Name(kind));
            new DatasetDownloader(progress: new ConsoleProgressBar()).DownloadAsync(kind, target).GetAwaiter().GetResult();
            output.WriteLine($"{DatasetCatalog.Name(kind)} downloaded into {target}");
            return 0;
        }

        foreach (var kind in Enum.GetValues<DatasetKind>())
        {
            string name = DatasetCatalog.Name(kind);
            try
            {
                string dir = DataLocator.Find(kind, dataDir);
                using var train = DataLocator.Load(kind, train: true, dataDir);
                using var test = DataLocator.Load(kind, train: false, dataDir);
                output.WriteLine($"{name,-14} {dir}: {train.Count} train + {test.Count} test images [{string.Join("x", train.ImageShape)}], {train.NumClasses} classes, files verified");
            }
            catch (DirectoryNotFoundException)
            {
                output.WriteLine($"{name,-14} not found (./mixup datasets --download {name})");
            }
        }

        return 0;
    }


    private static OptionTable Table(Settings s) =>
        new OptionTable("datasets", "List where each dataset is found (and verify it loads), or download one from its official address.")
            .Add("--download", "NAME", "download fashion-mnist, mnist, cifar10 or cifar100 into --data-dir (default ~/.cache/mixupsharp/NAME)", v => s.Download = v)
            .Add("--data-dir", "DIR", "a folder to look in first, or to download (or generate) into", v => s.DataDir = v)
            .Add("--generate", "cifar10", "write random-pixel CIFAR-10 files in the official format into --data-dir (a dry run of a CIFAR pipeline without the data)", v => s.Generate = v)
            .Add("--per-batch", "N", "--generate: records per training batch file, 5 files (default 10000)", v => s.PerBatch = OptionTable.Int(v))
            .Add("--test-count", "N", "--generate: records in the test batch (default 10000)", v => s.TestCount = OptionTable.Int(v))
            .Add("--export-folder", "DIR", "write --dataset as an image folder of PNGs (DIR/train/CLASS, DIR/test/CLASS), as your own photos would be", v => s.ExportFolder = v)
            .Add("--dataset", "NAME", "--export-folder: the dataset (default fashion-mnist)", v => s.Dataset = v)
            .Add("--size", "S", "--export-folder: the square size (default 64)", v => s.Size = OptionTable.Int(v))
            .Add("--channels", "1|3", "--export-folder: grey or RGB (default 3)", v => s.Channels = OptionTable.Int(v))
            .Add("--train-count", "N", "--export-folder: a stratified subset of N training images (default all)", v => s.TrainCount = OptionTable.Int(v))
            .Add("--export-test-count", "N", "--export-folder: a stratified subset of N test images (default all)", v => s.ExportTestCount = OptionTable.Int(v))
            .Add("--seed", "N", "--export-folder: the subsets' seed (default 0)", v => s.Seed = OptionTable.Int(v));

    private sealed class Settings
    {
        public string? ExportFolder { get; set; }

        public string Dataset { get; set; } = "fashion-mnist";

        public int Size { get; set; } = 64;

        public int Channels { get; set; } = 3;

        public int? TrainCount { get; set; }

        public int? ExportTestCount { get; set; }

        public int Seed { get; set; }

        public string? Download { get; set; }

        public string? DataDir { get; set; }

        public string? Generate { get; set; }

        public int PerBatch { get; set; } = 10_000;

        public int TestCount { get; set; } = 10_000;
    }
}
