using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace MixupSharp.Training.Benchmarks;

/// <summary>One measured quantity: its median over the repeats, every repeat, and its unit.</summary>
public sealed record Measurement(string Name, double Median, IReadOnlyList<double> Values, string Unit);

/// <summary>Everything <see cref="SystemBenchmark.Run"/> measured, with the machine it ran on.</summary>
public sealed record SystemBenchmarkReport(IReadOnlyDictionary<string, string> Machine, IReadOnlyList<Measurement> Measurements)
{
    /// <summary>A measurement by name, or null.</summary>
    public Measurement? this[string name] => Measurements.FirstOrDefault(m => m.Name == name);

    /// <summary>The report as Markdown: the machine, then a table of medians and every repeat.</summary>
    public string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("Machine: " + string.Join(", ", Machine.Select(kv => $"{kv.Key} {kv.Value}"))).AppendLine();
        sb.AppendLine("| measurement | median | unit | every repeat (memory: every epoch) |").AppendLine("|---|---:|---|---|");
        foreach (var m in Measurements)
        {
            sb.AppendLine(c, $"| {m.Name} | {Format(m.Median)} | {m.Unit} | {string.Join(", ", m.Values.Select(Format))} |");
        }

        return sb.ToString();
    }

    private static string Format(double v) => Math.Abs(v) >= 100 ? v.ToString("F0", CultureInfo.InvariantCulture) : v.ToString("G4", CultureInfo.InvariantCulture);
}
