using System.Globalization;
using System.IO;
using System.Linq;
using MixupSharp.Training.Models;

namespace MixupSharp.Cli;

/// <summary><c>mixup models</c>: each built-in model with its parameter count and what a forward+backward pass of one image costs here, measured now.</summary>
public static class ModelsCommand
{
    /// <summary>The verb's option table (for help and shell completion).</summary>
    public static OptionTable Table() => Table(new Settings());

    /// <summary>Runs the verb.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        var s = new Settings();
        if (Table(s).HelpOrParse(args, output))
        {
            return 0;
        }

        if (s.Repeats < 1 || s.Repeats > 1000)
        {
            throw new UsageException($"--repeats must be 1–1000; got {s.Repeats}.");
        }

        if (s.Threads > 0)
        {
            TorchSharp.torch.set_num_threads(s.Threads);
        }

        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"measured here now ({TorchSharp.torch.get_num_threads()} threads, batch of 2, per image; median and range of {s.Repeats} repeats after 2 untimed):");
        output.WriteLine("| model | parameters | input | forward+backward ms (median) | range |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var cost in ModelCost.Measure(s.Repeats))
        {
            output.WriteLine(string.Create(c, $"| {cost.Name} | {cost.Parameters:N0} | {string.Join("×", cost.Input)} | {cost.Median:F2} | {cost.Milliseconds.Min():F2}–{cost.Milliseconds.Max():F2} |"));
        }

        return 0;
    }

    private static OptionTable Table(Settings s) =>
        new OptionTable("models", "List the built-in models with their parameter counts and the forward+backward time of one image at their native size, measured on this machine when you ask.")
            .Add("--repeats", "N", "timed passes per model (default 5)", v => s.Repeats = OptionTable.Int(v))
            .Add("--threads", "N", "torch threads (default: all cores)", v => s.Threads = OptionTable.Int(v));

    private sealed class Settings
    {
        public int Repeats { get; set; } = 5;

        public int Threads { get; set; }
    }
}
