using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using MixupSharp.Composite;
using MixupSharp.Training;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Options;
using MixupSharp.Training.Runs;

namespace MixupSharp.Cli;

/// <summary><c>mixup train</c>: parses the options into <see cref="TrainingOptions"/> (names into types, here and only here) and runs the trainer.</summary>
public static class TrainCommand
{
    /// <summary>The option table of <c>train</c>, bound to a mutable holder of <see cref="TrainingOptions"/>; compare and variants files use it too.</summary>
    public static OptionTable Options(Func<TrainingOptions> get, Action<TrainingOptions> set, Action<string> resume)
    {
        void Set(Func<TrainingOptions, TrainingOptions> change) => set(change(get()));
        var table = new OptionTable("train", "Train a classifier and write config.json, metrics.csv, summary.json, reliability.json and checkpoint.bin into the run folder.")
            .Add("--recipe", "NAME", $"start from a setting our evidence supports ({string.Join(", ", Recipes.All.Select(r => $"{r.Name}: {r.Summary}"))}); other flags override it, wherever they stand", v => Set(o => Recipes.Parse(v).Apply(o) with { Recipe = v }))
            .Add("--dataset", "NAME", "fashion-mnist (default), mnist, cifar10, cifar100, folder (--data-dir with train/ and test/ or val/ class folders), list (set by --train-list)", v => Set(o => o with { Dataset = Choice<TrainingDataset>("dataset", v) }))
            .Add("--train-list", "FILE", "train on a list file: CSV lines path,label, paths relative to the file (Kaggle-style); needs --test-list", v => Set(o => o with { Dataset = TrainingDataset.List, TrainList = v }))
            .Add("--test-list", "FILE", "the test list file of --train-list", v => Set(o => o with { TestList = v }))
            .Add("--image-size", "S", "folders and lists: the square size images are streamed at, 1–1024 (default 224; ViT models need a multiple of 16)", v => Set(o => o with { ImageSize = OptionTable.Int(v) }))
            .Add("--channels", "1|3", "folders and lists: grey or RGB (default 3)", v => Set(o => o with { Channels = OptionTable.Int(v) }))
            .Add("--workers", "N", "folders and lists: threads decoding images ahead of training (default 2; the same seed gives the same batches for any N)", v => Set(o => o with { Workers = OptionTable.Int(v) }))
            .Add("--train-crop", "KIND", "folders and lists: random-resized (default: torchvision's RandomResizedCrop on each image's own size), pad (resize + centre crop, then a padded random crop), none (resize + centre crop); a flip follows", v => Set(o => o with { TrainCrop = Choice<TrainCrop>("train-crop", v) }))
            .Add("--cache", "KIND", "folders and lists: none (default: decode every epoch, memory bounded), memory (keep decoded images until --cache-gb is spent), auto (keep them all only if they fit)", v => Set(o => o with { Cache = Choice<MixupSharp.Training.Data.CacheMode>("cache", v) }))
            .Add("--cache-gb", "G", "the cache's budget of decoded pixels in GB (default 2)", v => Set(o => o with { CacheGb = OptionTable.Double(v) }))
            .Add("--crop-pct", "F", "folders and lists: evaluation resizes to size/F, then centre-crops (default 0.875)", v => Set(o => o with { CropFraction = OptionTable.Double(v) }))
            .Add("--data-dir", "DIR", "where the dataset is (default: $MIXUPSHARP_DATA, ~/.cache/mixupsharp, /usr/share/datasets)", v => Set(o => o with { DataDir = v }))
            .Add("--model", "NAME", "seednet (default; resnet18 for folders and lists), preact-resnet18, wide-resnet, fast-resnet; torchvision's (weights load with --init-from): resnet18, resnet50, mobilenet-v3-large, convnext-tiny, vit-b-16, deit-tiny", v => Set(o => o with { Model = v }))
            .Add("--drop-path", "P", "stochastic depth rate of the last block, linear from 0 (convnext-tiny, vit-b-16, deit-tiny; training only; default 0)", v => Set(o => o with { DropPath = OptionTable.Double(v) }))
            .Add("--method", "NAME", $"{string.Join(", ", KnownMethods.Names)} (default {KnownMethods.Erm.Name})", v => Set(o => o with { Method = KnownMethods.Parse(v) }))
            .Add("--alpha", "A", "alpha of the method's Beta(alpha, alpha) (default 1)", v => Set(o => o with { Alpha = OptionTable.Double(v) }))
            .Add("--prob", "P", "probability of the method per batch/sample (default 1)", v => Set(o => o with { Probability = OptionTable.Double(v) }))
            .Add("--switch-prob", "P", "P(CutMix) for mixup-cutmix (default 0.5)", v => Set(o => o with { SwitchProbability = OptionTable.Double(v) }))
            .Add("--label-smoothing", "E", "label smoothing epsilon (default 0)", v => Set(o => o with { LabelSmoothing = OptionTable.Double(v) }))
            .Add("--blend", "KIND", "mask-distort-mix blend: linear (default) or geometric", v => Set(o => o with { Blend = Choice<Blend>("blend", v) }))
            .Add("--insertion", "KIND", "mask-distort-mix: replace (default) or append (originals + synthetic)", v => Set(o => o with { Insertion = Choice<SyntheticInsertion>("insertion", v) }))
            .Add("--jsd-weight", "W", "add the Jensen-Shannon consistency loss over (clean, view 1, view 2) (default 0: off)", v => Set(o => o with { JsdWeight = OptionTable.Double(v) }))
            .Add("--jsd-views", "KIND", "the two consistency views: mask-distort-mix (default) or augmix", v => Set(o => o with { JsdViews = Choice<JsdViews>("jsd-views", v) }))
            .Add("--policy", "NAME", "per-sample policy augmentation before the method: none (default), randaugment, trivialaugment, autoaugment, augmix", v => Set(o => o with { Policy = Choice<TrainingPolicy>("policy", v) }))
            .Add("--ra-ops", "N", "randaugment: operations per sample (default 2)", v => Set(o => o with { RaOps = OptionTable.Int(v) }))
            .Add("--ra-magnitude", "M", "randaugment: magnitude bin 0-30 (default 9)", v => Set(o => o with { RaMagnitude = OptionTable.Int(v) }))
            .Add("--ra-mstd", "S", "randaugment: std of the magnitude's normal noise in bins (default 0; timm's mstd 0.5 is about 1.5 of our 31 bins)", v => Set(o => o with { RaMagnitudeStd = OptionTable.Double(v) }))
            .Add("--aa-policy", "NAME", "autoaugment: imagenet (default), cifar10, svhn", v => Set(o => o with { AaPolicy = Choice<MixupSharp.Policies.AutoAugmentPolicy>("aa-policy", v) }))
            .Add("--augmix-severity", "S", "augmix (policy or jsd views): severity 1-10 (default 3)", v => Set(o => o with { AugmixSeverity = OptionTable.Int(v) }))
            .Add("--augmix-width", "K", "augmix (policy or jsd views): chains mixed (default 3)", v => Set(o => o with { AugmixWidth = OptionTable.Int(v) }))
            .Add("--reprob", "P", "Random Erasing beside any method, before it (timm's --reprob; default 0: off)", v => Set(o => o with { ReProb = OptionTable.Double(v) }))
            .Add("--remode", "MODE", "--reprob's fill: const (default; the mean), rand (per channel) or pixel, in normalized space as timm", v => Set(o => o with { ReMode = Choice<ErasingMode>("remode", v) }))
            .Add("--recount", "N", "--reprob: up to N rectangles per image (default 1)", v => Set(o => o with { ReCount = OptionTable.Int(v) }))
            .Add("--mixup-off-epoch", "E", "from this 1-based epoch on the method is off (crop/flip stay)", v => Set(o => o with { MixupOffEpoch = OptionTable.Int(v) }))
            .Switch("--no-standard-aug", "turn off the dataset's random crop/flip", () => Set(o => o with { StandardAugmentation = false }))
            .Add("--epochs", "N", "epochs (default 10)", v => Set(o => o with { Epochs = OptionTable.Int(v) }))
            .Add("--batch-size", "N", "batch size (default 128)", v => Set(o => o with { BatchSize = OptionTable.Int(v) }))
            .Add("--lr", "X", "initial learning rate (default 0.05)", v => Set(o => o with { LearningRate = OptionTable.Double(v), LearningRateBase = null }))
            .Add("--lr-base", "X", "the learning rate per --lr-base-size images of batch (timm's --lr-base): lr = X·batch/size, e.g. DeiT's 5e-4", v => Set(o => o with { LearningRateBase = OptionTable.Double(v) }))
            .Add("--lr-base-size", "N", "the batch size --lr-base is stated for (default 512)", v => Set(o => o with { LearningRateBaseSize = OptionTable.Int(v) }))
            .Add("--momentum", "X", "SGD momentum (default 0.9)", v => Set(o => o with { Momentum = OptionTable.Double(v) }))
            .Switch("--nesterov", "Nesterov momentum", () => Set(o => o with { Nesterov = true }))
            .Add("--weight-decay", "X", "weight decay (default 5e-4; decoupled from the gradient with adamw)", v => Set(o => o with { WeightDecay = OptionTable.Double(v) }))
            .Add("--optimizer", "NAME", "sgd (default) or adamw", v => Set(o => o with { Optimizer = Choice<OptimizerKind>("optimizer", v) }))
            .Add("--opt-betas", "B1,B2", "adamw: beta1,beta2 (default 0.9,0.999)", v => Set(o => Betas(o, v)))
            .Add("--opt-eps", "E", "adamw: epsilon (default 1e-8)", v => Set(o => o with { OptimizerEps = OptionTable.Double(v) }))
            .Switch("--no-decay-norm-bias", "no weight decay on biases and normalization weights (DeiT/ConvNeXt practice)", () => Set(o => o with { NoDecayNormBias = true }))
            .Add("--model-ema", "DECAY", "keep a moving average of the weights (decay per step, e.g. 0.9998), evaluated every epoch beside them (ema_* columns), checkpointed, exported with export --ema", v => Set(o => o with { ModelEma = OptionTable.Double(v) }))
            .Add("--clip-grad", "NORM", "clip the gradients' global L2 norm to NORM before each step (default: off)", v => Set(o => o with { ClipGrad = OptionTable.Double(v) }))
            .Add("--schedule", "NAME", "cosine (default), step, multistep, constant", v => Set(o => o with { Schedule = Choice<ScheduleKind>("--schedule", v) }))
            .Add("--milestones", "E1,E2", "multistep: epochs after which lr is multiplied by --gamma", v => Set(o => o with { Milestones = v.Split(',').Select(OptionTable.Int).ToArray() }))
            .Add("--step-size", "N", "step: epochs between decays (default 30)", v => Set(o => o with { StepSize = OptionTable.Int(v) }))
            .Add("--gamma", "X", "decay factor of step schedules (default 0.1)", v => Set(o => o with { Gamma = OptionTable.Double(v) }))
            .Add("--warmup-epochs", "X", "linear warm-up epochs (default 0)", v => Set(o => o with { WarmupEpochs = OptionTable.Double(v) }))
            .Add("--warmup-lr", "X", "the rate warm-up starts from (default 0)", v => Set(o => o with { WarmupLearningRate = OptionTable.Double(v) }))
            .Add("--min-lr", "X", "cosine: the rate it ends at (default 0)", v => Set(o => o with { MinLearningRate = OptionTable.Double(v) }))
            .Add("--train-subset", "N", "train on a stratified subset of N images", v => Set(o => o with { TrainSubset = OptionTable.Long(v) }))
            .Add("--label-noise", "R", "symmetric label noise rate on the training labels (default 0)", v => Set(o => o with { LabelNoise = OptionTable.Double(v) }))
            .Add("--seed", "N", "seed of every random stream (default 1)", v => Set(o => o with { Seed = OptionTable.Long(v) }))
            .Add("--validation", "N", "hold out a stratified validation set of N training images (its own seed; never trained on); the test set is then evaluated at the end, on the last and the best-validation weights", v => Set(o => o with { Validation = OptionTable.Long(v) }))
            .Add("--validation-seed", "S", "seed of the validation draw, the same for every run of a study (default 0)", v => Set(o => o with { ValidationSeed = OptionTable.Long(v) }))
            .Add("--early-stop", "P", "with --validation: stop when the validation error has not improved for P epochs", v => Set(o => o with { EarlyStop = OptionTable.Int(v) }))
            .Add("--train-error-every", "K", "every K epochs (and at the last), the error on up to 2,000 trained-on images, unaugmented, true labels (default 0: never)", v => Set(o => o with { TrainErrorEvery = OptionTable.Int(v) }))
            .Switch("--test-every", "with --validation: evaluate the test set every epoch too", () => Set(o => o with { TestEvery = true }))
            .Add("--threads", "N", "torch threads (default: all cores)", v => Set(o => o with { Threads = OptionTable.Int(v) }))
            .Add("--device", "NAME", "cpu (default) or cuda", v => Set(o => o with { Device = Choice<ComputeDevice>("device", v) }))
            .Add("--out", "DIR", "the run folder (default runs/<dataset>-<model>-<method>-s<seed>)", v => Set(o => o with { OutDir = v }))
            .Add("--resume", "DIR", "continue the run in DIR from its checkpoint (with --epochs N to extend it; only --epochs and --threads may be given with it)", resume)
            .Add("--init-from", "FILE", "start from these weights (.pt or .safetensors, as ./mixup export writes; another class count keeps all but the classifier)", v => Set(o => o with { InitFrom = v }))
            .Switch("--skip-corrupt", "image folders: skip unreadable images (each named in a warning) instead of failing", () => Set(o => o with { SkipCorrupt = true }))
            .Add("--max-image-megapixels", "M", "image folders: refuse images whose header claims more pixels (default 64)", v => Set(o => o with { MaxImageMegapixels = OptionTable.Double(v) }));

        // The options methods declare for themselves, each once, with the methods that take it.
        foreach (var group in KnownMethods.All.SelectMany(m => m.Options.Select(o => (Method: m.Name, Option: o))).GroupBy(p => p.Option.Name))
        {
            var option = group.First().Option;
            table.Add("--" + option.Name, option.ValueName, $"{string.Join(", ", group.Select(p => p.Method))}: {option.Help} (default {option.DefaultText})", v => Set(o => o.With(option, v)));
        }

        return table;
    }

    /// <summary>--opt-betas B1,B2: two numbers, or a usage error naming the flag.</summary>
    private static TrainingOptions Betas(TrainingOptions o, string value)
    {
        var parts = value.Split(',');
        return parts.Length == 2
            ? o with { AdamBeta1 = OptionTable.Double(parts[0]), AdamBeta2 = OptionTable.Double(parts[1]) }
            : throw new InvalidOptionException("opt-betas", $"must be two numbers in [0, 1), e.g. 0.9,0.999; got '{value}'.");
    }

    /// <summary>The verb's full option table (for help and shell completion).</summary>
    public static OptionTable Table() => WithConfig(WithOverwrite(Options(() => new TrainingOptions(), _ => { }, _ => { }), () => { }), _ => { }).WithGroups(TrainHelp.Groups(), TrainHelp.Examples);

    /// <summary>Runs the verb.</summary>
    public static int Run(string[] args, TextWriter output, CancellationToken? stop)
    {
        var options = new TrainingOptions { OutDir = string.Empty };
        string? resumeDir = null;
        bool overwrite = false;
        var table = WithConfig(WithOverwrite(Options(() => options, o => options = o, dir => resumeDir = dir), () => overwrite = true), _ => { })
            .WithGroups(TrainHelp.Groups(), TrainHelp.Examples);
        args = table.SplitEquals(args).ToArray();
        if (args.Contains("--help") || args.Contains("-h"))
        {
            output.Write(table.Help());
            return 0;
        }

        // --config first: a run's config.json gives the resolved options whole; a person's file is a layer of flags
        // under the command line's.
        int at = Array.IndexOf(args, "--config");
        var config = at >= 0 && at + 1 < args.Length && !args.Contains("--resume") ? ConfigFile.Load(args[at + 1], table) : null;
        if (config?.Run is not null)
        {
            options = config.Run.Options;
        }

        var typed = WithoutConfig(args);
        var layers = config is { Run: null } ? new IReadOnlyList<string>[] { config.Flags, typed } : new IReadOnlyList<string>[] { typed };
        ParseLayers(table, layers);
        bool resume = resumeDir is not null;
        if (resume)
        {
            // A resumed run keeps the options it was started with: anything that shapes the result is refused here,
            // rather than silently ignored.
            var given = args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a is not ("--resume" or "--epochs" or "--threads")).Distinct().ToList();
            if (given.Contains("--out"))
            {
                throw new UsageException($"--resume {resumeDir} continues the run in its own folder; leave out --out.");
            }

            if (given.Count > 0)
            {
                throw new UsageException($"--resume {resumeDir} continues the run with the options it was started with; leave out {string.Join(", ", given)} (only --epochs and --threads may change).");
            }

            var folder = new RunFolder(resumeDir!);
            if (!File.Exists(folder.ConfigPath))
            {
                throw new UsageException($"--resume {resumeDir}: no config.json there, so it is not a run folder.");
            }

            options = ConfigFingerprint.ForResume(folder.ReadOptions(), resumeDir!, args.Contains("--epochs") ? options.Epochs : null, args.Contains("--threads") ? options.Threads : null);
        }
        else if (config?.Run is not null)
        {
            // Resolved when that run started: no command-line defaults, and only what is typed here is checked.
            CheckGiven(options, new[] { typed });
        }
        else
        {
            options = WithCliDefaults(options, layers);
            CheckGiven(options, layers);
        }

        if (config is not null)
        {
            output.WriteLine(Provenance(options, config, typed));
        }

        if (!resume && string.IsNullOrEmpty(options.OutDir))
        {
            string policy = options.Policy == TrainingPolicy.None ? string.Empty : "-" + KebabCaseEnumConverter<TrainingPolicy>.Name(options.Policy);
            options = options with { OutDir = Path.Combine("runs", $"{KebabCaseEnumConverter<TrainingDataset>.Name(options.Dataset)}-{options.Model}-{options.Method.Name}{policy}-s{options.Seed}") };
        }

        if (options.Recipe is not null)
        {
            output.WriteLine(RecipeLine(options));
        }

        var outcome = StopSignals.Run(output, stop, token => new Trainer(options, new ConsoleObserver(output)).Run(resume, token, overwrite));
        string summary = File.ReadAllText(new RunFolder(options.OutDir).SummaryPath);
        output.WriteLine(outcome == RunOutcome.Completed ? $"done. {options.OutDir}/summary.json:" : $"interrupted; resume with ./mixup train --resume {options.OutDir}. summary so far:");
        output.WriteLine(summary);
        return outcome == RunOutcome.Completed ? 0 : 130;
    }

    /// <summary>
    /// Parses layers of arguments, lowest precedence first (a variants file's shared options, shared flags, a variant):
    /// the one recipe among them first, wherever it stands, then every layer without it, so an explicit value always
    /// wins over a recipe. Two different recipes are an error. (Options typed without the option they need are refused
    /// by <see cref="CheckGiven"/>.)
    /// </summary>
    public static void ParseLayers(OptionTable table, params IReadOnlyList<string>[] layers)
    {
        var split = layers.Select(l => table.SplitEquals(l).ToList()).ToList();
        var recipes = split.SelectMany(l => l.Select((a, i) => (a, i)).Where(x => x.a == "--recipe" && x.i + 1 < l.Count).Select(x => l[x.i + 1])).Distinct().ToList();
        if (recipes.Count > 1)
        {
            throw new UsageException($"--recipe is given twice ({string.Join(", ", recipes)}); a run follows one recipe, and explicit flags set what should differ from it.");
        }

        if (recipes.Count == 1)
        {
            table.Parse(new[] { "--recipe", recipes[0] });
        }

        foreach (var layer in split)
        {
            var rest = new List<string>();
            for (int i = 0; i < layer.Count; i++)
            {
                if (layer[i] == "--recipe" && i + 1 < layer.Count)
                {
                    i++;
                    continue;
                }

                rest.Add(layer[i]);
            }

            table.Parse(rest);
        }
    }

    /// <summary>
    /// The command line's defaults where the library's keep older runs' meaning: new image folder and list runs are
    /// streamed at 224 px (a run folder that records no size means 32 px held in memory) with resnet18 unless
    /// <c>--model</c> is among <paramref name="layers"/>.
    /// </summary>
    public static TrainingOptions WithCliDefaults(TrainingOptions options, IEnumerable<IReadOnlyList<string>>? layers = null)
    {
        if (options.Dataset is not (TrainingDataset.Folder or TrainingDataset.List))
        {
            return options;
        }

        // SeedNet's first linear layer grows with the square of the size (205M weights at 224 px): streamed photos get
        // resnet18 unless a model is named.
        bool modelGiven = layers?.Any(l => l.Any(a => a == "--model" || a.StartsWith("--model=", StringComparison.Ordinal))) ?? false;
        return options with
        {
            ImageSize = options.ImageSize ?? 224,
            Model = modelGiven || options.Model != new TrainingOptions().Model ? options.Model : "resnet18",
        };
    }

    /// <summary>Refuses options typed by a person that would do nothing in <paramref name="options"/> (see <see cref="TrainingOptions.CheckGiven"/>).</summary>
    public static void CheckGiven(TrainingOptions options, IEnumerable<IReadOnlyList<string>> layers) =>
        options.CheckGiven(layers.SelectMany(l => l).Where(a => a.StartsWith("--", StringComparison.Ordinal)).Select(a => a.Split('=')[0][2..]));

    /// <summary>What the recipe set and why it is trusted, and which of its values this run overrides, so a user never follows it blind.</summary>
    public static string RecipeLine(TrainingOptions options)
    {
        var recipe = Recipes.Parse(options.Recipe!);
        var overrides = Recipes.Overrides(options);
        string overridden = overrides.Count == 0 ? string.Empty
            : $" Overridden here: {string.Join(", ", overrides.Select(v => $"{v.Option} {v.RunValue.Trim('"')} (recipe: {v.RecipeValue.Trim('"')})"))}.";
        return $"recipe {recipe.Name}: {recipe.Summary}.{overridden} Evidence: {recipe.Evidence}";
    }

    /// <summary>The value of <typeparamref name="TEnum"/> named <paramref name="value"/>; otherwise an error naming the option and the choices.</summary>
    internal static TEnum Choice<TEnum>(string option, string value)
        where TEnum : struct, Enum
    {
        var names = KebabCaseEnumConverter<TEnum>.Names();
        string expected = names.Length == 2 ? $"{names[0]} or {names[1]}" : $"{string.Join(", ", names[..^1])} or {names[^1]}";
        return KebabCaseEnumConverter<TEnum>.Parse(value) ?? throw new InvalidOptionException(option, $"must be {expected}; got '{value}'.");
    }

    /// <summary>
    /// One line naming each value that differs from the library's defaults and where it came from: the command line, the
    /// config file, the recipe, or the command line's defaults for folders and lists.
    /// </summary>
    public static string Provenance(TrainingOptions options, ConfigFile config, IReadOnlyList<string> typed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(config);
        var current = ConfigKeys.Write(options);
        var defaults = ConfigKeys.Write(new TrainingOptions());
        var recipe = options.Recipe is null ? null : ConfigKeys.Write(Recipes.Parse(options.Recipe).Apply(new TrainingOptions()));
        var parts = new List<string>();
        foreach (var (key, value) in current)
        {
            string text = value?.ToJsonString() ?? "null";
            if (key is "out" || text == (defaults[key]?.ToJsonString() ?? "null"))
            {
                continue;
            }

            string source = typed.Contains("--" + key) ? "command line"
                : config.Keys.Contains(key) ? config.Path
                : recipe is not null && text == (recipe[key]?.ToJsonString() ?? "null") ? $"recipe {options.Recipe}"
                : "train's default for folders and lists";
            parts.Add($"{key} {text.Trim('"')} ({source})");
        }

        return "values: " + (parts.Count == 0 ? "all defaults" : string.Join(", ", parts));
    }

    // The arguments without --config FILE (it is read first, not parsed with the rest).
    private static string[] WithoutConfig(string[] args)
    {
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config" && i + 1 < args.Length)
            {
                i++;
                continue;
            }

            rest.Add(args[i]);
        }

        return rest.ToArray();
    }

    private static OptionTable WithConfig(OptionTable table, Action<string> config) =>
        table.Add("--config", "FILE", "take options from a JSON or YAML file of train's flags without the dashes (as variants files), or from a run's config.json (reproduces that run; give another --out); flags given here override it", config);

    private static OptionTable WithOverwrite(OptionTable table, Action overwrite) =>
        table.Switch("--overwrite", "start a new run in a folder that holds another run's files, replacing them", overwrite);
}
