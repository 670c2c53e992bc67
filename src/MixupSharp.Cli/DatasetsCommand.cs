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
            .Add("--test-count", "N", "--generate: records in the test batch (default 10000)", v => s.TestCount = OptionTable.Int(v));

    private sealed class Settings
    {
        public string? Download { get; set; }

        public string? DataDir { get; set; }

        public string? Generate { get; set; }

        public int PerBatch { get; set; } = 10_000;

        public int TestCount { get; set; } = 10_000;
    }
}
