using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using MixupSharp.Training;
using MixupSharp.Training.Options;
using TorchSharp;

namespace MixupSharp.Cli;

/// <summary><c>mixup eval</c>: a run's checkpoint on a dataset split, optionally under FGSM attacks.</summary>
public static class EvalCommand
{
    /// <summary>The option table, bound to the given setters.</summary>
    public static OptionTable Options(Action<string> run, Action<string> split, Action<string> fgsm, Action<string> dataDir, Action<string> device, Action<string> threads, Action<string> json) =>
        new OptionTable("eval", "Evaluate a run's checkpoint on a split of its dataset: error, NLL, ECE and per-class accuracy; --fgsm adds the error under fast-gradient-sign attacks.")
            .Add("--run", "DIR", "the run folder (with config.json and checkpoint.bin); required", run)
            .Add("--split", "NAME", "test (default) or train (the full clean training split)", split)
            .Add("--fgsm", "EPS[,EPS...]", "FGSM attack sizes in [0,1] pixel units, e.g. 0.03 or 8/255,16/255", fgsm)
            .Add("--data-dir", "DIR", "where the dataset is, if not where the run found it", dataDir)
            .Add("--device", "NAME", "cpu (default) or cuda", device)
            .Add("--threads", "N", "torch threads (default: all cores)", threads)
            .Add("--json", "FILE", "also write the results as JSON", json);

    /// <summary>The verb's option table (for help and shell completion).</summary>
    public static OptionTable Table() => Options(_ => { }, _ => { }, _ => { }, _ => { }, _ => { }, _ => { }, _ => { });

    /// <summary>Runs the verb.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        string? runDir = null, json = null, dataDir = null;
        string split = "test", device = "cpu";
        double[] epsilons = Array.Empty<double>();
        int threads = 0;
        var table = Options(v => runDir = v, v => split = v, v => epsilons = v.Split(',').Select(ParseEpsilon).ToArray(), v => dataDir = v, v => device = v, v => threads = OptionTable.Int(v), v => json = v);
        if (args.Contains("--help") || args.Contains("-h"))
        {
            output.Write(table.Help());
            return 0;
        }

        table.Parse(args);
        if (runDir is null)
        {
            throw new UsageException("eval needs --run DIR (a run folder written by ./mixup train).");
        }

        if (split is not ("test" or "train"))
        {
            throw new UsageException($"--split must be test or train; got '{split}'.");
        }

        if (json is not null && Directory.Exists(json))
        {
            throw new UsageException($"--json {json} is a folder; give the path of a file to write.");
        }

        if (threads < 0 || threads > Environment.ProcessorCount)
        {
            throw new UsageException($"--threads must be between 0 (all) and the {Environment.ProcessorCount} processors here; got {threads}.");
        }

        if (threads > 0)
        {
            torch.set_num_threads(threads);
        }

        var target = Devices.Resolve(TrainCommand.Choice<ComputeDevice>("device", device));
        var (options, model, normalize) = TrainedModel.Load(runDir, target);
        using (model)
        {
            if (dataDir is not null)
            {
                options = options with { DataDir = dataDir };
            }

            using var data = RunData.LoadSplit(options, train: split == "train");
            var clean = Evaluator.Evaluate(model, data, normalize, target);
            var c = CultureInfo.InvariantCulture;
            output.WriteLine(string.Create(c, $"{runDir} on {KebabCaseEnumConverter<TrainingDataset>.Name(options.Dataset)} {split} ({data.Count} images): error {clean.Error:P2}, NLL {clean.Nll:F4}, ECE {clean.Ece:F4}"));
            output.WriteLine("per-class accuracy:");
            for (int k = 0; k < clean.PerClassAccuracy.Count; k++)
            {
                output.WriteLine(string.Create(c, $"  {k,3} {data.ClassNames[k],-24} {clean.PerClassAccuracy[k]:P2}"));
            }

            var attacks = new List<Dictionary<string, double>>();
            foreach (double eps in epsilons)
            {
                var attacked = Evaluator.EvaluateUnderFgsm(model, data, normalize, target, eps);
                output.WriteLine(string.Create(c, $"FGSM eps {eps:G4} ({eps * 255:G4}/255): error {attacked.Error:P2}, NLL {attacked.Nll:F4}"));
                attacks.Add(new Dictionary<string, double> { ["epsilon"] = eps, ["error"] = attacked.Error, ["nll"] = attacked.Nll, ["ece"] = attacked.Ece });
            }

            if (json is not null)
            {
                var result = new Dictionary<string, object>
                {
                    ["run"] = runDir,
                    ["split"] = split,
                    ["images"] = data.Count,
                    ["error"] = clean.Error,
                    ["nll"] = clean.Nll,
                    ["ece"] = clean.Ece,
                    ["per_class_accuracy"] = clean.PerClassAccuracy,
                    ["fgsm"] = attacks,
                };
                File.WriteAllText(json, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
            }
        }

        return 0;
    }

    /// <summary>Parses an attack size: a number in [0, 1] or a fraction such as 8/255.</summary>
    public static double ParseEpsilon(string text)
    {
        var parts = text.Split('/');
        double value = parts.Length switch
        {
            1 => OptionTable.Double(parts[0]),
            2 => OptionTable.Double(parts[0]) / OptionTable.Double(parts[1]),
            _ => throw new FormatException(),
        };
        if (!double.IsFinite(value) || value < 0 || value > 1)
        {
            throw new UsageException($"--fgsm sizes must be in [0, 1] pixel units (e.g. 0.03 or 8/255); got '{text}'.");
        }

        return value;
    }
}
