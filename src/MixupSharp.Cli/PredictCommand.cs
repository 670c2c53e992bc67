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
        using (trained.Model)
        {
            foreach (var (file, unusable) in Files(paths))
            {
                using var scope = torch.NewDisposeScope();
                Tensor image;
                try
                {
                    image = unusable is null ? ImageFolder.ReadImage(file, size, grayscale: channels == 1) : throw new DatasetFormatException(file, unusable);
                }
                catch (DatasetFormatException e)
                {
                    error.WriteLine($"warning: skipped {e.Message}");
                    results.Add(new Dictionary<string, object> { ["file"] = file, ["skipped"] = e.Message.StartsWith(file + ": ", StringComparison.Ordinal) ? e.Message[(file.Length + 2)..] : e.Message });
                    continue;
                }

                Tensor probabilities;
                using (torch.no_grad())
                {
                    var x = trained.Normalize.Transform((image.unsqueeze(0).to_type(ScalarType.Float32) / 255f).to_type(ScalarType.Float32));
                    probabilities = nn.functional.softmax(trained.Model.call(x), 1)[0];
                }

                var (values, indices) = probabilities.topk(top);
                var p = values.data<float>().ToArray();
                var k = indices.data<long>().ToArray();
                output.WriteLine($"{file}: " + string.Join(", ", Enumerable.Range(0, top).Select(i => string.Create(c, $"{config.Classes[(int)k[i]]} {p[i]:P1}"))));
                results.Add(new Dictionary<string, object>
                {
                    ["file"] = file,
                    ["top"] = Enumerable.Range(0, top).Select(i => new Dictionary<string, object> { ["class"] = config.Classes[(int)k[i]], ["index"] = k[i], ["probability"] = p[i] }).ToList(),
                });
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
            .Switch("--overwrite", "replace an existing --json file", () => s.Overwrite = true);

    private sealed class Settings
    {
        public string? Run { get; set; }

        public int Top { get; set; } = 3;

        public string? Json { get; set; }

        public bool Overwrite { get; set; }
    }
}
