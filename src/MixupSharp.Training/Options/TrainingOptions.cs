using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using MixupSharp.Composite;
using MixupSharp.Policies;
using MixupSharp.Training.Methods;

namespace MixupSharp.Training.Options;

/// <summary>The learning-rate schedule.</summary>
public enum ScheduleKind
{
    /// <summary>Constant learning rate.</summary>
    Constant,

    /// <summary>×gamma every <see cref="TrainingOptions.StepSize"/> epochs.</summary>
    Step,

    /// <summary>×gamma at each of <see cref="TrainingOptions.Milestones"/> (1-based epochs).</summary>
    [JsonStringEnumMemberName("multistep")]
    MultiStep,

    /// <summary>Cosine annealing to 0 over the run, per step.</summary>
    Cosine,
}

/// <summary>
/// Everything a training run needs; resolved values are written to the run's config.json. The properties keep the
/// order and JSON form they have always had (enums as kebab-case names), so old run folders read back unchanged;
/// options a method declares for itself live in <see cref="Settings"/>.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>The dataset.</summary>
    [JsonConverter(typeof(KebabCaseEnumConverter<TrainingDataset>))]
    public TrainingDataset Dataset { get; init; } = TrainingDataset.FashionMnist;

    /// <summary>Where the dataset is (see DataLocator); for "folder", a folder with train/ and test/ class folders.</summary>
    public string? DataDir { get; init; }

    /// <summary>The model name (see ModelFactory).</summary>
    public string Model { get; init; } = "seednet";

    /// <summary>The training method (see <see cref="KnownMethods"/>); written as its name.</summary>
    [JsonConverter(typeof(TrainingMethodJsonConverter))]
    public TrainingMethod Method { get; init; } = KnownMethods.Erm;

    /// <summary>α of the method's Beta draws (Mixup, CutMix, MaskDistortMix, Manifold Mixup).</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>The method's probability (gate of mixing; erasing probability; MaskDistortMix selection).</summary>
    public double Probability { get; init; } = 1.0;

    /// <summary>P(CutMix) for mixup-cutmix.</summary>
    public double SwitchProbability { get; init; } = 0.5;

    /// <summary>Label smoothing ε.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>MaskDistortMix blend.</summary>
    [JsonConverter(typeof(KebabCaseEnumConverter<Blend>))]
    public Blend Blend { get; init; } = Blend.Linear;

    /// <summary>MaskDistortMix insertion.</summary>
    [JsonConverter(typeof(KebabCaseEnumConverter<SyntheticInsertion>))]
    public SyntheticInsertion Insertion { get; init; } = SyntheticInsertion.Replace;

    /// <summary>Weight of the Jensen–Shannon consistency term over two extra views, <see cref="JsdViews"/> (0: off).</summary>
    public double JsdWeight { get; init; }

    /// <summary>From this 1-based epoch on, the mixing/masking method is off (crop/flip stay); null: never.</summary>
    public int? MixupOffEpoch { get; init; }

    /// <summary>Keep the dataset's standard crop/flip.</summary>
    public bool StandardAugmentation { get; init; } = true;

    /// <summary>Epochs.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Batch size.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Initial learning rate.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>SGD momentum.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Nesterov momentum.</summary>
    public bool Nesterov { get; init; }

    /// <summary>Weight decay.</summary>
    public double WeightDecay { get; init; } = 5e-4;

    /// <summary>The schedule.</summary>
    [JsonConverter(typeof(ScheduleKindJsonConverter))]
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Cosine;

    /// <summary>Step schedule: epochs between decays.</summary>
    public int StepSize { get; init; } = 30;

    /// <summary>Multi-step schedule: 1-based epochs after which the rate is multiplied by <see cref="Gamma"/>.</summary>
    public IReadOnlyList<int> Milestones { get; init; } = Array.Empty<int>();

    /// <summary>Decay factor of step schedules.</summary>
    public double Gamma { get; init; } = 0.1;

    /// <summary>Linear warm-up epochs (from <see cref="WarmupLearningRate"/> to the scheduled rate).</summary>
    public double WarmupEpochs { get; init; }

    /// <summary>The rate warm-up starts from (timm's <c>--warmup-lr</c>); 0 by default, as before it existed.</summary>
    public double WarmupLearningRate { get; init; }

    /// <summary>The rate the cosine schedule ends at (timm's <c>--min-lr</c>).</summary>
    public double MinLearningRate { get; init; }

    /// <summary>The optimizer: SGD (default) or AdamW.</summary>
    [JsonConverter(typeof(KebabCaseEnumConverter<OptimizerKind>))]
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    /// <summary>AdamW's β1 (<c>--opt-betas B1,B2</c>; timm's default 0.9).</summary>
    public double AdamBeta1 { get; init; } = 0.9;

    /// <summary>AdamW's β2 (timm's default 0.999).</summary>
    public double AdamBeta2 { get; init; } = 0.999;

    /// <summary>AdamW's ε (<c>--opt-eps</c>).</summary>
    public double OptimizerEps { get; init; } = 1e-8;

    /// <summary>No weight decay on biases and normalization weights (one-dimensional parameters), as DeiT and ConvNeXt train.</summary>
    public bool NoDecayNormBias { get; init; }

    /// <summary>Clip the gradients' global ℓ2 norm to this value before each step; null: no clipping.</summary>
    public double? ClipGrad { get; init; }

    /// <summary>
    /// Random Erasing beside any method (timm's <c>--reprob</c>): the probability an image is erased, after crop/flip
    /// and the policy, before the method; 0 (default): off. <see cref="Methods.RandomErasingMethod"/> is the same op as a method.
    /// </summary>
    public double ReProb { get; init; }

    /// <summary>What <see cref="ReProb"/>'s erasing fills with (timm's <c>--remode</c>).</summary>
    [JsonConverter(typeof(KebabCaseEnumConverter<ErasingMode>))]
    public ErasingMode ReMode { get; init; } = ErasingMode.Const;

    /// <summary>At most this many rectangles per erased image, the area split between them (timm's <c>--recount</c>).</summary>
    public int ReCount { get; init; } = 1;

    /// <summary>Keep an exponential moving average of the weights with this decay per step (<see cref="ModelEma"/>); null: none.</summary>
    public double? ModelEma { get; init; }

    /// <summary>Train on a stratified subset of this many images; null: all.</summary>
    public long? TrainSubset { get; init; }

    /// <summary>Symmetric label-noise rate on the training labels.</summary>
    public double LabelNoise { get; init; }

    /// <summary>The seed of every random stream.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Torch threads (0: leave as is).</summary>
    public int Threads { get; init; }

    /// <summary>Where the tensors live.</summary>
    [JsonConverter(typeof(KebabCaseEnumConverter<ComputeDevice>))]
    public ComputeDevice Device { get; init; } = ComputeDevice.Cpu;

    /// <summary>The run folder.</summary>
    public string OutDir { get; init; } = "runs/run";

    /// <summary>Image folders: skip files that cannot be read (each is named in a warning) instead of failing.</summary>
    public bool SkipCorrupt { get; init; }

    /// <summary>Image folders: the largest image (width × height, in millions of pixels) decoded; larger headers are refused before decoding.</summary>
    public double MaxImageMegapixels { get; init; } = 64;

    /// <summary>
    /// Start from these weights (a PyTorch state dict <c>.pt</c> or <c>.safetensors</c> with the names of
    /// <c>./mixup export</c>) instead of a random initialization; null: random. With another class count, everything
    /// but the classifier head is loaded.
    /// </summary>
    public string? InitFrom { get; init; }

    /// <summary>The per-sample policy augmentation, after crop/flip and before the method (none by default).</summary>
    [JsonConverter(typeof(KebabCaseEnumConverter<TrainingPolicy>))]
    public TrainingPolicy Policy { get; init; } = TrainingPolicy.None;

    /// <summary>RandAugment's N: operations per sample.</summary>
    public int RaOps { get; init; } = 2;

    /// <summary>RandAugment's M: the magnitude bin, 0–30.</summary>
    public int RaMagnitude { get; init; } = 9;

    /// <summary>
    /// RandAugment: the standard deviation, in bins, of the normal noise added to the magnitude per operation (timm's
    /// <c>mstd</c>; 0: none). timm's m9 of 10 levels is about our bin 27 of 31, and its mstd 0.5 about 1.5 bins.
    /// </summary>
    public double RaMagnitudeStd { get; init; }

    /// <summary>AutoAugment's learned policy.</summary>
    [JsonConverter(typeof(KebabCaseEnumConverter<AutoAugmentPolicy>))]
    public AutoAugmentPolicy AaPolicy { get; init; } = AutoAugmentPolicy.ImageNet;

    /// <summary>AugMix's severity, 1–10 (the policy and the Jensen–Shannon views).</summary>
    public int AugmixSeverity { get; init; } = 3;

    /// <summary>AugMix's number of chains (the policy and the Jensen–Shannon views).</summary>
    public int AugmixWidth { get; init; } = 3;

    /// <summary>The two extra views of the Jensen–Shannon term (with <see cref="JsdWeight"/> &gt; 0).</summary>
    [JsonConverter(typeof(KebabCaseEnumConverter<JsdViews>))]
    public JsdViews JsdViews { get; init; } = JsdViews.MaskDistortMix;

    /// <summary>
    /// Hold out a stratified validation set of this many training images, drawn with <see cref="ValidationSeed"/> (not
    /// <see cref="Seed"/>, so every run of a study shares it), never trained on; null: none.
    /// </summary>
    public long? Validation { get; init; }

    /// <summary>The seed of the validation draw; the same for every run that should share a validation set.</summary>
    public long ValidationSeed { get; init; }

    /// <summary>Stop when the validation error has not improved for this many epochs; null: never.</summary>
    public int? EarlyStop { get; init; }

    /// <summary>
    /// Every this many epochs (and at the last), the error on at most 2,000 of the images trained on, without
    /// augmentation and with their true labels: the training error of the generalization gap; 0: never.
    /// </summary>
    public int TrainErrorEvery { get; init; }

    /// <summary>With a validation set: evaluate the test set every epoch (as without one) instead of at the end only.</summary>
    public bool TestEvery { get; init; }

    /// <summary>The recipe the run started from (<c>--recipe</c>, see <see cref="Recipes"/>); null: none.</summary>
    public string? Recipe { get; init; }

    /// <summary>
    /// Values of the options <see cref="Method"/> declares for itself (<see cref="TrainingMethod.Options"/>), by option
    /// name; an option not here has its default. Null (and absent from config.json) when there are none.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, JsonElement>? Settings { get; init; }

    /// <summary>The value of a method option: the one set in <see cref="Settings"/>, else its default.</summary>
    public T Get<T>(MethodOption<T> option)
    {
        ArgumentNullException.ThrowIfNull(option);
        return Settings is not null && Settings.TryGetValue(option.Name, out var value) ? option.Read(value) : option.Default;
    }

    /// <summary>These options with a method option set from its text (as on a command line); the text is checked.</summary>
    public TrainingOptions With(MethodOption option, string text)
    {
        ArgumentNullException.ThrowIfNull(option);
        var settings = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, value) in Settings ?? new Dictionary<string, JsonElement>())
        {
            settings[key] = value;
        }

        settings[option.Name] = option.Parse(text);
        return this with { Settings = settings };
    }

    /// <summary>These options with every option of <see cref="Method"/> written out, defaults included: what config.json records.</summary>
    public TrainingOptions Resolved()
    {
        if (Method.Options.Count == 0)
        {
            return this;
        }

        var settings = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var option in Method.Options)
        {
            settings[option.Name] = Settings is not null && Settings.TryGetValue(option.Name, out var value) ? value : option.DefaultValue;
        }

        return this with { Settings = settings };
    }

    /// <summary>
    /// Refuses options a person gave (by flag name without dashes, as typed on the command line or in a variants file) that
    /// act only with another option this run does not have: a policy's own option without its policy, even at its default
    /// value, or --validation-seed without --validation. Config files that runs wrote record every option and are not
    /// checked this way.
    /// </summary>
    public void CheckGiven(IEnumerable<string> given)
    {
        ArgumentNullException.ThrowIfNull(given);
        string policy = KebabCaseEnumConverter<TrainingPolicy>.Name(Policy);
        var dependent = new (string Option, bool Acts, string Needs)[]
        {
            ("ra-ops", Policy == TrainingPolicy.RandAugment, $"applies to --policy randaugment; got --policy {policy}."),
            ("ra-magnitude", Policy == TrainingPolicy.RandAugment, $"applies to --policy randaugment; got --policy {policy}."),
            ("ra-mstd", Policy == TrainingPolicy.RandAugment, $"applies to --policy randaugment; got --policy {policy}."),
            ("aa-policy", Policy == TrainingPolicy.AutoAugment, $"applies to --policy autoaugment; got --policy {policy}."),
            ("augmix-severity", Policy == TrainingPolicy.AugMix || JsdViews == JsdViews.AugMix, $"applies to --policy augmix or --jsd-views augmix; got --policy {policy}."),
            ("augmix-width", Policy == TrainingPolicy.AugMix || JsdViews == JsdViews.AugMix, $"applies to --policy augmix or --jsd-views augmix; got --policy {policy}."),
            ("jsd-views", JsdWeight > 0, "needs --jsd-weight > 0 (the views feed the Jensen–Shannon term)."),
            ("validation-seed", Validation is not null, "needs --validation N (it seeds the validation draw)."),
            ("opt-betas", Optimizer == OptimizerKind.AdamW, "applies to --optimizer adamw."),
            ("opt-eps", Optimizer == OptimizerKind.AdamW, "applies to --optimizer adamw."),
            ("momentum", Optimizer == OptimizerKind.Sgd, "applies to --optimizer sgd (AdamW has --opt-betas)."),
            ("nesterov", Optimizer == OptimizerKind.Sgd, "applies to --optimizer sgd."),
            ("min-lr", Schedule == ScheduleKind.Cosine, "applies to --schedule cosine."),
            ("warmup-lr", WarmupEpochs > 0, "needs --warmup-epochs > 0 (it is where the warm-up starts)."),
            ("remode", ReProb > 0, "applies with --reprob P > 0."),
            ("recount", ReProb > 0, "applies with --reprob P > 0."),
        };
        var names = given.Select(g => g.Replace('_', '-')).ToHashSet(StringComparer.Ordinal);
        foreach (var (option, acts, needs) in dependent)
        {
            if (names.Contains(option) && !acts)
            {
                throw new InvalidOptionException(option, needs);
            }
        }
    }

    /// <summary>Checks ranges; throws <see cref="InvalidOptionException"/> naming the option.</summary>
    public void Validate()
    {
        void Require(bool ok, string option, string requirement)
        {
            if (!ok)
            {
                throw new InvalidOptionException(option, requirement);
            }
        }

        Require(Epochs >= 1, "epochs", $"must be ≥ 1; got {Epochs}.");
        Require(BatchSize >= 1, "batch-size", $"must be ≥ 1; got {BatchSize}.");
        Require(LearningRate > 0 && !double.IsInfinity(LearningRate), "lr", $"must be positive; got {LearningRate}.");
        Require(Momentum >= 0 && Momentum < 1, "momentum", $"must be in [0, 1); got {Momentum}.");
        Require(WeightDecay >= 0, "weight-decay", $"must be ≥ 0; got {WeightDecay}.");
        Require(WarmupLearningRate >= 0 && double.IsFinite(WarmupLearningRate), "warmup-lr", $"must be ≥ 0; got {WarmupLearningRate}.");
        Require(MinLearningRate >= 0 && MinLearningRate <= LearningRate, "min-lr", $"must be between 0 and --lr ({LearningRate}); got {MinLearningRate}.");
        Require(MinLearningRate == 0 || Schedule == ScheduleKind.Cosine, "min-lr", "applies to --schedule cosine.");
        Require(System.Enum.IsDefined(Optimizer), "optimizer", $"must be sgd or adamw; got {Optimizer}.");
        Require(AdamBeta1 >= 0 && AdamBeta1 < 1 && AdamBeta2 >= 0 && AdamBeta2 < 1, "opt-betas", $"must be two numbers in [0, 1), e.g. 0.9,0.999; got {AdamBeta1},{AdamBeta2}.");
        Require(OptimizerEps > 0 && double.IsFinite(OptimizerEps), "opt-eps", $"must be positive; got {OptimizerEps}.");
        bool defaultBetas = AdamBeta1 == 0.9 && AdamBeta2 == 0.999;
        Require(Optimizer == OptimizerKind.AdamW || (defaultBetas && OptimizerEps == 1e-8), defaultBetas ? "opt-eps" : "opt-betas", "applies to --optimizer adamw.");
        Require(ClipGrad is null || (ClipGrad > 0 && double.IsFinite(ClipGrad.Value)), "clip-grad", $"must be a positive norm; got {ClipGrad}.");
        Require(ReProb >= 0 && ReProb <= 1, "reprob", $"must be a probability in [0, 1]; got {ReProb}.");
        Require(ReCount >= 1 && ReCount <= 16, "recount", $"must be 1–16 rectangles; got {ReCount}.");
        Require((ReMode == ErasingMode.Const && ReCount == 1) || ReProb > 0, ReCount != 1 ? "recount" : "remode", "applies with --reprob P > 0.");
        Require(ReProb == 0 || Method is not Methods.RandomErasingMethod, "reprob", $"adds Random Erasing beside another method; with --method {Method.Name} give its --prob instead, not both.");
        Require(ModelEma is null || (ModelEma > 0 && ModelEma < 1), "model-ema", $"must be a decay in (0, 1), e.g. 0.9998; got {ModelEma}.");
        Require(Alpha >= 0, "alpha", $"must be ≥ 0; got {Alpha}.");
        Require(Probability >= 0 && Probability <= 1, "prob", $"must be in [0, 1]; got {Probability}.");
        Require(SwitchProbability >= 0 && SwitchProbability <= 1, "switch-prob", $"must be in [0, 1]; got {SwitchProbability}.");
        Require(LabelSmoothing >= 0 && LabelSmoothing < 1, "label-smoothing", $"must be in [0, 1); got {LabelSmoothing}.");
        Require(LabelNoise >= 0 && LabelNoise <= 1, "label-noise", $"must be in [0, 1]; got {LabelNoise}.");
        Require(JsdWeight >= 0, "jsd-weight", $"must be ≥ 0; got {JsdWeight}.");
        Require(TrainSubset is null or > 0, "train-subset", $"must be positive; got {TrainSubset}.");
        Require(MixupOffEpoch is null or >= 1, "mixup-off-epoch", $"is 1-based; got {MixupOffEpoch}.");
        Require(Threads >= 0 && Threads <= Environment.ProcessorCount, "threads", $"must be between 0 (all) and the {Environment.ProcessorCount} processors here; got {Threads}.");
        Require(Milestones.All(m => m >= 1) && Milestones.Zip(Milestones.Skip(1), (a, b) => a < b).All(x => x), "milestones", $"must be increasing 1-based epochs; got {string.Join(",", Milestones)}.");
        Require(MaxImageMegapixels > 0 && double.IsFinite(MaxImageMegapixels), "max-image-megapixels", $"must be positive; got {MaxImageMegapixels}.");
        Require(Array.IndexOf(Models.ModelFactory.Names, Model) >= 0, "model", $"must be one of {string.Join(", ", Models.ModelFactory.Names)}; got '{Model}'.");
        Require(Dataset != TrainingDataset.Folder || !string.IsNullOrEmpty(DataDir), "dataset", "folder needs --data-dir naming a folder with train/ and test/ class folders.");
        Require(RaOps >= 0 && RaOps <= 10, "ra-ops", $"must be 0–10; got {RaOps}.");
        Require(RaMagnitude >= 0 && RaMagnitude <= 30, "ra-magnitude", $"must be a bin 0–30 (of 31); got {RaMagnitude}.");
        Require(RaMagnitudeStd >= 0 && double.IsFinite(RaMagnitudeStd), "ra-mstd", $"must be ≥ 0 bins; got {RaMagnitudeStd}.");
        Require(RaMagnitudeStd == 0 || Policy == TrainingPolicy.RandAugment, "ra-mstd", "applies to --policy randaugment.");
        Require(AugmixSeverity >= 1 && AugmixSeverity <= 10, "augmix-severity", $"must be 1–10; got {AugmixSeverity}.");
        Require(AugmixWidth >= 1 && AugmixWidth <= 10, "augmix-width", $"must be 1–10; got {AugmixWidth}.");
        Require(System.Enum.IsDefined(AaPolicy), "aa-policy", $"must be one of {string.Join(", ", KebabCaseEnumConverter<AutoAugmentPolicy>.Names())}; got {AaPolicy}.");

        // A policy's own option given without the policy would silently do nothing: refuse it, naming both.
        var defaults = new TrainingOptions();
        string policy = KebabCaseEnumConverter<TrainingPolicy>.Name(Policy);
        Require(ValidationSeed == defaults.ValidationSeed || Validation is not null, "validation-seed", "needs --validation N (it seeds the validation draw).");
        Require((RaOps == defaults.RaOps && RaMagnitude == defaults.RaMagnitude) || Policy == TrainingPolicy.RandAugment, RaOps != defaults.RaOps ? "ra-ops" : "ra-magnitude", $"applies to --policy randaugment; got --policy {policy}.");
        Require(AaPolicy == defaults.AaPolicy || Policy == TrainingPolicy.AutoAugment, "aa-policy", $"applies to --policy autoaugment; got --policy {policy}.");
        Require((AugmixSeverity == defaults.AugmixSeverity && AugmixWidth == defaults.AugmixWidth) || Policy == TrainingPolicy.AugMix || JsdViews == JsdViews.AugMix, AugmixSeverity != defaults.AugmixSeverity ? "augmix-severity" : "augmix-width", $"applies to --policy augmix or --jsd-views augmix; got --policy {policy}.");
        Require(JsdViews == defaults.JsdViews || JsdWeight > 0, "jsd-views", "needs --jsd-weight > 0 (the views feed the Jensen–Shannon term).");
        Require(Recipe is null || Recipes.All.Any(r => r.Name == Recipe), "recipe", $"must be one of {string.Join(", ", Recipes.All.Select(r => r.Name))}; got '{Recipe}'.");
        Require(Validation is null or > 0, "validation", $"must be a positive number of images; got {Validation}.");
        Require(TrainErrorEvery >= 0, "train-error-every", $"must be ≥ 0 epochs (0: never); got {TrainErrorEvery}.");
        Require(EarlyStop is null or >= 1, "early-stop", $"must be ≥ 1 epoch; got {EarlyStop}.");
        Require(EarlyStop is null || Validation is not null, "early-stop", "needs --validation N (it watches the validation error).");
        Require(!TestEvery || Validation is not null, "test-every", "applies with --validation N (without one, the test set is evaluated every epoch already).");
        foreach (var (name, value) in Settings ?? new Dictionary<string, JsonElement>())
        {
            var option = Method.Options.FirstOrDefault(o => o.Name == name)
                ?? throw new InvalidOptionException(name, $"is not an option of method '{Method.Name}' (its options: {(Method.Options.Count == 0 ? "none" : string.Join(", ", Method.Options.Select(o => o.Name)))}).");
            option.Check(value);
        }

        Method.Validate(this);
    }
}
