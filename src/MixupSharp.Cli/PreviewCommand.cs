using System;
using System.Globalization;
using System.IO;
using System.Linq;
using MixupSharp.Training.Reports;
using MixupSharp.Training;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Options;
using TorchSharp;

namespace MixupSharp.Cli;

/// <summary><c>mixup preview</c>: a PNG of what a method does to real samples.</summary>
public static class PreviewCommand
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

        var (options, count, split, path) = (s.Options, s.Count, s.Split, s.Path);
        if (split is not ("train" or "test"))
        {
            throw new UsageException($"--split must be train or test; got '{split}'.");
        }

        if (!s.MethodGiven && options.Policy != TrainingPolicy.None)
        {
            // --policy alone previews the policy alone.
            options = options with { Method = KnownMethods.Erm };
        }

        if (options.Method is AutoMixMethod && s.Run is null)
        {
            throw new UsageException("--method automix previews a trained Mix Block: give --run DIR, a run trained with --method automix.");
        }

        var trained = s.Run is null ? null : TrainedModel.Load(s.Run, torch.CPU);
        if (trained is not null)
        {
            // The run's data and model: the preview shows what the method makes of them with the run's weights.
            options = options with { Dataset = trained.Options.Dataset, DataDir = trained.Options.DataDir, Model = trained.Options.Model, ImageSize = trained.Options.ImageSize, Channels = trained.Options.Channels };
        }

        options.Validate();
        string dataset = KebabCaseEnumConverter<TrainingDataset>.Name(options.Dataset);
        string shown = options.Policy == TrainingPolicy.None ? options.Method.Name
            : options.Method == KnownMethods.Erm ? KebabCaseEnumConverter<TrainingPolicy>.Name(options.Policy)
            : $"{KebabCaseEnumConverter<TrainingPolicy>.Name(options.Policy)}-{options.Method.Name}";
        path ??= Path.Combine("runs", $"preview-{dataset}-{shown}.png");
        using var data = RunData.LoadSplit(options, train: split == "train");
        using var generator = new torch.Generator((ulong)options.Seed);
        var captions = MethodPreview.Write(options, data, count, generator, path, trained: trained);
        trained?.Model.Dispose();
        output.WriteLine($"{path}: {count} {dataset} {split} images with {shown}");
        output.WriteLine(string.Join("; ", captions.Select((c, i) => string.Create(CultureInfo.InvariantCulture, $"{i}: {c.Effect}, target {c.Target}"))));
        return 0;
    }

    private static OptionTable Table(Settings s)
    {
        void Set(Func<TrainingOptions, TrainingOptions> change) => s.Options = change(s.Options);
        return new OptionTable("preview", "Write a PNG grid showing what a method (or a policy augmentation, or both) does to real samples: originals above results, with lambda (or the kept mask area) and the soft target under each. Only the method is applied (no crop/flip, no normalization).")
            .Add("--dataset", "NAME", "fashion-mnist (default), mnist, cifar10, cifar100, folder", v => Set(o => o with { Dataset = TrainCommand.Choice<TrainingDataset>("dataset", v) }))
            .Add("--data-dir", "DIR", "where the dataset is", v => Set(o => o with { DataDir = v }))
            .Add("--method", "NAME", $"{string.Join(", ", KnownMethods.Names)} (default {KnownMethods.Mixup.Name}; {KnownMethods.Erm.Name} with --policy)", v =>
            {
                s.MethodGiven = true;
                Set(o => o with { Method = KnownMethods.Parse(v) });
            })
            .Add("--policy", "NAME", "apply a policy augmentation first: randaugment, trivialaugment, autoaugment, augmix", v => Set(o => o with { Policy = TrainCommand.Choice<TrainingPolicy>("policy", v) }))
            .Add("--ra-ops", "N", "randaugment: operations per sample (default 2)", v => Set(o => o with { RaOps = OptionTable.Int(v) }))
            .Add("--ra-magnitude", "M", "randaugment: magnitude bin 0-30 (default 9)", v => Set(o => o with { RaMagnitude = OptionTable.Int(v) }))
            .Add("--aa-policy", "NAME", "autoaugment: imagenet (default), cifar10, svhn", v => Set(o => o with { AaPolicy = TrainCommand.Choice<MixupSharp.Policies.AutoAugmentPolicy>("aa-policy", v) }))
            .Add("--augmix-severity", "S", "augmix: severity 1-10 (default 3)", v => Set(o => o with { AugmixSeverity = OptionTable.Int(v) }))
            .Add("--augmix-width", "K", "augmix: chains mixed (default 3)", v => Set(o => o with { AugmixWidth = OptionTable.Int(v) }))
            .Add("--alpha", "A", "alpha of Beta(alpha, alpha) (default 1)", v => Set(o => o with { Alpha = OptionTable.Double(v) }))
            .Add("--prob", "P", "the method's probability (default 1)", v => Set(o => o with { Probability = OptionTable.Double(v) }))
            .Add("--switch-prob", "P", "P(CutMix) for mixup-cutmix (default 0.5)", v => Set(o => o with { SwitchProbability = OptionTable.Double(v) }))
            .Add("--blend", "KIND", "mask-distort-mix blend: linear (default) or geometric", v => Set(o => o with { Blend = TrainCommand.Choice<MixupSharp.Composite.Blend>("blend", v) }))
            .Add("--count", "N", "how many samples, 2 to 64 (default 16)", v => s.Count = OptionTable.Int(v))
            .Add("--split", "NAME", "train (default) or test", v => s.Split = v)
            .Add("--seed", "N", "seed of the sample choice and the method's draws (default 1)", v => Set(o => o with { Seed = OptionTable.Long(v) }))
            .Add("--out", "FILE", "the PNG (default runs/preview-<dataset>-<method>.png)", v => s.Path = v)
            .Add("--run", "DIR", "for methods that use the model (puzzlemix): a trained run whose model, dataset and normalization to use (default: a new, untrained model)", v => s.Run = v);
    }

    private sealed class Settings
    {
        public TrainingOptions Options { get; set; } = new() { Method = KnownMethods.Mixup, OutDir = string.Empty };

        public bool MethodGiven { get; set; }

        public int Count { get; set; } = 16;

        public string Split { get; set; } = "train";

        public string? Path { get; set; }

        public string? Run { get; set; }
    }
}
