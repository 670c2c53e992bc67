using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using MixupSharp.Training.Benchmarks;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Options;

namespace MixupSharp.Cli;

/// <summary><c>mixup bench</c>: the system-level cost figures (see <see cref="SystemBenchmark"/>).</summary>
public static class BenchCommand
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

        var (o, json, markdown) = (s.Options, s.Json, s.Markdown);
        if (o.Threads < 0 || o.Threads > Environment.ProcessorCount)
        {
            throw new UsageException($"--threads must be between 0 (all) and the {Environment.ProcessorCount} processors here; got {o.Threads}.");
        }

        var report = SystemBenchmark.Run(o, output.WriteLine);
        string text = report.ToMarkdown();
        output.WriteLine();
        output.WriteLine(text);
        if (markdown is not null)
        {
            File.WriteAllText(markdown, text);
        }

        if (json is not null)
        {
            File.WriteAllText(json, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        }

        return 0;
    }

    private static OptionTable Table(Settings s) =>
        new OptionTable("bench", "Measure what training costs here: the trainer's images/s against a bare forward/backward/step loop over the same batches (target ratio >= 0.97), loader throughput with crop+flip+normalize, resident memory at the end of epochs 2 and 10 of a run (target growth < 3%), and the time to load Fashion-MNIST and full-size CIFAR-10 files. Medians over --repeats; run it on an otherwise idle machine.")
            .Add("--parts", "LIST", "any of trainer,loader,memory,load (default all)", v => s.Set(x => x with { Parts = ParseParts(v) }))
            .Add("--dataset", "NAME", "dataset of the throughput and memory runs (default fashion-mnist)", v => s.Set(x => x with { Dataset = TrainCommand.Choice<TrainingDataset>("dataset", v) }))
            .Add("--data-dir", "DIR", "where the dataset is", v => s.Set(x => x with { DataDir = v }))
            .Add("--model", "NAME", "model of the throughput and memory runs (default seednet)", v => s.Set(x => x with { Model = v }))
            .Add("--batch-size", "N", "batch size (default 128)", v => s.Set(x => x with { BatchSize = OptionTable.Int(v) }))
            .Add("--threads", "N", "torch threads (default: all cores)", v => s.Set(x => x with { Threads = OptionTable.Int(v) }))
            .Add("--repeats", "N", "repeats of each measurement; medians are reported (default 3)", v => s.Set(x => x with { Repeats = OptionTable.Int(v) }))
            .Add("--steps", "N", "batches per timed epoch of the trainer-vs-loop comparison (default 300)", v => s.Set(x => x with { Steps = OptionTable.Int(v) }))
            .Add("--memory-epochs", "N", "epochs of the memory run (default 10)", v => s.Set(x => x with { MemoryEpochs = OptionTable.Int(v) }))
            .Add("--memory-subset", "N", "training images of the memory run (default 10000)", v => s.Set(x => x with { MemorySubset = OptionTable.Long(v) }))
            .Add("--memory-method", "NAME", "method of the memory run (default mixup)", v => s.Set(x => x with { MemoryMethod = KnownMethods.Parse(v) }))
            .Add("--json", "FILE", "also write the report as JSON", v => s.Json = v)
            .Add("--markdown", "FILE", "also write the report as Markdown", v => s.Markdown = v);

    private sealed class Settings
    {
        public SystemBenchmarkOptions Options { get; private set; } = new();

        public string? Json { get; set; }

        public string? Markdown { get; set; }

        public void Set(Func<SystemBenchmarkOptions, SystemBenchmarkOptions> change) => Options = change(Options);
    }

    /// <summary>Parts named like "trainer,loader".</summary>
    private static BenchmarkParts ParseParts(string text)
    {
        var parts = BenchmarkParts.None;
        var unknown = new System.Collections.Generic.List<string>();
        foreach (var name in text.Split(','))
        {
            if (KebabCaseEnumConverter<BenchmarkParts>.Parse(name) is { } part && part is not (BenchmarkParts.None or BenchmarkParts.All))
            {
                parts |= part;
            }
            else
            {
                unknown.Add(name);
            }
        }

        return unknown.Count == 0 ? parts : throw new ArgumentException($"unknown benchmark part(s) {string.Join(", ", unknown)}; expected trainer, loader, memory or load.");
    }
}
