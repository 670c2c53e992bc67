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
    public static OptionTable Options(Action<string> run, Action<string> split, Action<string> fgsm, Action<string> dataDir, Action<string> device, Action<string> threads, Action<string> json, Action calibrate, Action<string> calibrateOn, Action? overwrite = null) =>
        new OptionTable("eval", "Evaluate a run's checkpoint on a split of its dataset: error, NLL, ECE and per-class accuracy; --fgsm adds the error under fast-gradient-sign attacks; --calibrate fits a temperature (Guo et al. 2017) and reports ECE before and after.")
            .Add("--run", "DIR", "the run folder (with config.json and checkpoint.bin); required", run)
            .Add("--split", "NAME", "test (default) or train (the full clean training split)", split)
            .Add("--fgsm", "EPS[,EPS...]", "FGSM attack sizes in [0,1] pixel units, e.g. 0.03 or 8/255,16/255", fgsm)
            .Add("--data-dir", "DIR", "where the dataset is, if not where the run found it", dataDir)
            .Add("--device", "NAME", "cpu (default) or cuda", device)
            .Add("--threads", "N", "torch threads (default: all cores)", threads)
            .Add("--json", "FILE", "also write the results as JSON", json)
            .Switch("--calibrate", "temperature scaling: fit T on held-out images by NLL, report the split before and after", calibrate)
            .Add("--calibrate-on", "SET", "validation (default: the run's --validation set) or test-half (fit on a stratified half of the test set, report the other half)", calibrateOn)
            .Switch("--overwrite", "replace an existing --json file", overwrite ?? (() => { }));

    /// <summary>The verb's option table (for help and shell completion).</summary>
    public static OptionTable Table() => Options(_ => { }, _ => { }, _ => { }, _ => { }, _ => { }, _ => { }, _ => { }, () => { }, _ => { });

    /// <summary>Runs the verb.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        string? runDir = null, json = null, dataDir = null;
        string split = "test", device = "cpu";
        string? calibrateOn = null;
        bool calibrate = false, overwrite = false;
        double[] epsilons = Array.Empty<double>();
        int threads = 0;
        var table = Options(v => runDir = v, v => split = v, v => epsilons = v.Split(',').Select(ParseEpsilon).ToArray(), v => dataDir = v, v => device = v, v => threads = OptionTable.Int(v), v => json = v, () => calibrate = true, v => calibrateOn = v, () => overwrite = true);
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

        if (calibrateOn is not null && !calibrate)
        {
            throw new UsageException("--calibrate-on applies with --calibrate.");
        }

        if (calibrateOn is not null and not ("validation" or "test-half"))
        {
            throw new UsageException($"--calibrate-on must be validation or test-half; got '{calibrateOn}'.");
        }

        if (calibrateOn == "test-half" && split != "test")
        {
            throw new UsageException($"--calibrate-on test-half splits the test set; it cannot report --split {split}.");
        }

        if (json is not null)
        {
            OutputFile.Check("--json", json, overwrite);
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

            Dictionary<string, object>? calibration = null;
            if (calibrate)
            {
                var report = Calibrate(runDir, options, model, data, normalize, target, calibrateOn ?? "validation", output);
                calibration = new Dictionary<string, object>
                {
                    ["temperature"] = report.Temperature, ["temperature_at_bound"] = TemperatureScaling.BoundNote(report.Temperature) is not null, ["fitted_on"] = calibrateOn ?? "validation", ["fit_images"] = report.FittedOn, ["report_images"] = report.Before.Count,
                    ["ece_before"] = report.Before.Ece, ["ece_after"] = report.After.Ece, ["nll_before"] = report.Before.Nll, ["nll_after"] = report.After.Nll, ["error"] = report.After.Error,
                };
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
                if (calibration is not null)
                {
                    result["calibration"] = calibration;
                }

                File.WriteAllText(json, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
            }
        }

        return 0;
    }

    /// <summary>
    /// Temperature scaling: fitted on the run's validation set (reported on the split), or on a stratified half of the
    /// test set (reported on the other half) when asked for explicitly; a run without a validation set and no explicit
    /// choice is an error that says which choice exists.
    /// </summary>
    private static CalibrationReport Calibrate(string runDir, TrainingOptions options, MixupSharp.Training.Models.StagedModel model, MixupSharp.Training.Data.ImageDataset data, MixupSharp.Distortion.Normalize normalize, torch.Device device, string on, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        CalibrationReport report;
        string where;
        if (on == "validation")
        {
            if (options.Validation is null)
            {
                throw new UsageException($"--calibrate fits the temperature on the run's validation set, and {runDir} has none (trained without --validation N); add --calibrate-on test-half to fit on half of the test set and report the other half.");
            }

            using var runData = RunData.Load(options);
            report = TemperatureScaling.Calibrate(model, runData.Validation!, data, normalize, device);
            where = string.Create(c, $"the run's {report.FittedOn} validation images");
        }
        else
        {
            using var rng = new torch.Generator(0);
            var (fit, rest) = MixupSharp.Training.Data.DatasetTransforms.StratifiedSplit(data, data.Count / 2, rng);
            using (fit)
            using (rest)
            {
                report = TemperatureScaling.Calibrate(model, fit, rest, normalize, device);
            }

            where = string.Create(c, $"a stratified half of the test set ({report.FittedOn} images; reported on the other {report.Before.Count})");
        }

        output.WriteLine(string.Create(c, $"temperature scaling: T = {report.Temperature:F4}, fitted on {where}: ECE {report.Before.Ece:F4} -> {report.After.Ece:F4}, NLL {report.Before.Nll:F4} -> {report.After.Nll:F4}, error {report.After.Error:P2} (unchanged)"));
        if (TemperatureScaling.BoundNote(report.Temperature) is { } bound)
        {
            output.WriteLine($"warning: {bound}.");
        }
        return report;
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
