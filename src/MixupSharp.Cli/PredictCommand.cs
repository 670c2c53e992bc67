using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using MixupSharp.Training;
using MixupSharp.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Cli;

/// <summary><c>mixup predict</c>: a trained run's top classes for your own image files.</summary>
public static class PredictCommand
{
    private static readonly string[] Extensions = { ".png", ".jpg", ".jpeg" };

    /// <summary>The verb's option table (for help and shell completion); the image paths come after the options.</summary>
    public static OptionTable Table() => Table(new Settings());

    /// <summary>Runs the verb: <c>predict --run DIR [--top K] [--json FILE] IMAGE_OR_FOLDER...</c>.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var s = new Settings();
        var table = Table(s);

        // Options first, then the images and folders: every argument that is not an option or its value is a path.
        var flags = new List<string>();
        var paths = new List<string>();
        var split = table.SplitEquals(args);
        for (int i = 0; i < split.Count; i++)
        {
            if (split[i] == "--")
            {
                paths.AddRange(split.Skip(i + 1));   // everything after -- is a file name, even one starting with -
                break;
            }

            if (split[i].StartsWith("-", StringComparison.Ordinal))
            {
                flags.Add(split[i]);
                if (!table.IsSwitch(split[i]) && split[i] is not ("--help" or "-h") && i + 1 < split.Count)
                {
                    flags.Add(split[++i]);
                }
            }
            else
            {
                paths.Add(split[i]);
            }
        }

        if (table.HelpOrParse(flags, output))
        {
            return 0;
        }

        if (s.Run is null || paths.Count == 0)
        {
            throw new UsageException("predict needs --run DIR and at least one image or folder: ./mixup predict --run DIR photo.png more/");
        }

        if (s.Json is not null)
        {
            OutputFile.Check("--json", s.Json, s.Overwrite);
        }

        if (s.Top < 1)
        {
            throw new UsageException($"--top must be ≥ 1; got {s.Top}.");
        }

        var trained = TrainedModel.Load(s.Run, CPU);
        var config = new Training.Runs.RunFolder(s.Run).ReadConfig();
        int channels = config.ImageShape is { } shape ? (int)shape[0] : 1;
        int size = config.ImageShape is { } sz ? (int)sz[1] : 28;
        int top = Math.Min(s.Top, config.Classes.Count);
        var results = new List<Dictionary<string, object>>();
        var c = CultureInfo.InvariantCulture;
        if (s.BatchSize < 1 || s.BatchSize > 4096)
        {
            throw new UsageException($"--batch-size must be 1–4096; got {s.BatchSize}.");
        }

        if (s.Threads < 0 || s.Threads > Environment.ProcessorCount)
        {
            throw new UsageException($"--threads must be between 0 (all) and the {Environment.ProcessorCount} processors here; got {s.Threads}.");
        }

        if (s.Threads > 0)
        {
            torch.set_num_threads(s.Threads);
        }

        // A streamed run's images are read as its evaluation read them (resize + centre crop at its size); an older
        // folder run's are resized to its square, as it was trained.
        var options = config.Options;
        Func<string, Tensor> read = options.Streamed
            ? file => StreamingImageDataset.ReadOne(file, Training.RunData.Streaming(options, train: false) with { Size = size, Channels = channels, Workers = 1 })
            : file => ImageFolder.ReadImage(file, size, grayscale: channels == 1);
        using (trained.Model)
        {
            foreach (var chunk in Files(paths).Chunk(s.BatchSize))
            {
                using var scope = torch.NewDisposeScope();
                var images = new List<(string File, Tensor Image)>();
                var entries = new List<Dictionary<string, object>>();
                foreach (var (file, unusable) in chunk)
                {
                    try
                    {
                        images.Add((file, unusable is null ? read(file) : throw new DatasetFormatException(file, unusable)));
                        entries.Add(new Dictionary<string, object> { ["file"] = file });
                    }
                    catch (DatasetFormatException e)
                    {
                        error.WriteLine($"warning: skipped {e.Message}");
                        entries.Add(new Dictionary<string, object> { ["file"] = file, ["skipped"] = e.Message.StartsWith(file + ": ", StringComparison.Ordinal) ? e.Message[(file.Length + 2)..] : e.Message });
                    }
                }

                float[] p = Array.Empty<float>();
                long[] k = Array.Empty<long>();
                if (images.Count > 0)
                {
                    // One forward pass for the chunk's readable images.
                    using (torch.no_grad())
                    {
                        var x = trained.Normalize.Transform(torch.stack(images.Select(i => i.Image).ToArray()).to_type(ScalarType.Float32) / 255f);
                        var (values, indices) = nn.functional.softmax(trained.Model.call(x), 1).topk(top);
                        p = values.data<float>().ToArray();
                        k = indices.data<long>().ToArray();
                    }
                }

                int row = 0;
                foreach (var entry in entries)
                {
                    if (!entry.ContainsKey("skipped"))
                    {
                        string file = (string)entry["file"];
                        int at = row++ * top;
                        output.WriteLine($"{file}: " + string.Join(", ", Enumerable.Range(0, top).Select(i => string.Create(c, $"{config.Classes[(int)k[at + i]]} {p[at + i]:P1}"))));
                        entry["top"] = Enumerable.Range(0, top).Select(i => new Dictionary<string, object> { ["class"] = config.Classes[(int)k[at + i]], ["index"] = k[at + i], ["probability"] = p[at + i] }).ToList();
                    }

                    results.Add(entry);
                }
            }
        }

        if (s.Json is not null)
        {
            File.WriteAllText(s.Json, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        }

        if (!results.Any(r => r.ContainsKey("top")))
        {
            throw new IOException($"nothing was predicted: no readable .png, .jpg or .jpeg image in {string.Join(", ", paths)}.");
        }

        return 0;
    }

    /// <summary>
    /// The image files named, and those in the folders named (sorted), each with why it cannot be read (null: it can).
    /// Only regular files are opened: a FIFO would block the read forever, and a broken link or a link loop is said to be
    /// one. EXIF orientation is ignored, as torchvision's and timm's loaders ignore it (training folders, list files and
    /// predict alike): pixels are read as stored.
    /// </summary>
    private static IEnumerable<(string File, string? Unusable)> Files(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            string? kind = OutputFile.NotARegularFile(path);
            if (kind == "a folder")
            {
                var files = Directory.EnumerateFileSystemEntries(path).Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).OrderBy(f => f, StringComparer.Ordinal).ToList();
                if (files.Count == 0)
                {
                    yield return (path, "a folder without .png, .jpg or .jpeg files");
                }

                foreach (var file in files)
                {
                    string? what = OutputFile.NotARegularFile(file);
                    yield return (file, what is null ? null : $"{what}, not an image file");
                }
            }
            else
            {
                yield return (path, kind switch
                {
                    null => null,
                    "missing" => "no such file or folder.",
                    _ => $"{kind}, not an image file",
                });
            }
        }
    }

    private static OptionTable Table(Settings s) =>
        new OptionTable("predict", "Print a trained run's top classes with probabilities for your own PNG or JPEG files (and the images in folders you name), resized and normalized as the run's images were; unreadable files are named and skipped.")
            .Add("--run", "DIR", "the run folder (with config.json and checkpoint.bin); required", v => s.Run = v)
            .Add("--top", "K", "how many classes per image (default 3)", v => s.Top = OptionTable.Int(v))
            .Add("--json", "FILE", "also write the predictions as JSON", v => s.Json = v)
            .Add("--batch-size", "N", "images per forward pass (default 32)", v => s.BatchSize = OptionTable.Int(v))
            .Add("--threads", "N", "torch threads (default: all cores)", v => s.Threads = OptionTable.Int(v))
            .Switch("--overwrite", "replace an existing --json file", () => s.Overwrite = true);

    private sealed class Settings
    {
        public int BatchSize { get; set; } = 32;

        public int Threads { get; set; }

        public string? Run { get; set; }

        public int Top { get; set; } = 3;

        public string? Json { get; set; }

        public bool Overwrite { get; set; }
    }
}
