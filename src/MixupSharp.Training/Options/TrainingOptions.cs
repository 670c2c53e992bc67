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
public sealed partial record TrainingOptions
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

    /// <summary>
    /// timm's <c>--lr-base</c>: when set, the learning rate is this times <see cref="BatchSize"/> /
    /// <see cref="LearningRateBaseSize"/> (the linear scaling rule, DeiT's 5e-4·batch/512), derived by
    /// <see cref="WithScaledLearningRate"/>; null (default): <see cref="LearningRate"/> as given.
    /// </summary>
    public double? LearningRateBase { get; init; }

    /// <summary>The batch size <see cref="LearningRateBase"/> is stated for (timm's <c>--lr-base-size</c>, 512).</summary>
    public int LearningRateBaseSize { get; init; } = 512;

    /// <summary>These options with <see cref="LearningRate"/> derived from <see cref="LearningRateBase"/> when it is set.</summary>
    public TrainingOptions WithScaledLearningRate() =>
        LearningRateBase is { } b ? this with { LearningRate = b * BatchSize / LearningRateBaseSize } : this;

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

    /// <summary>
    /// The stochastic depth rate of the last block (timm's <c>--drop-path</c>), rising linearly from 0 at the first;
    /// training only. For convnext-tiny, vit-b-16 and deit-tiny; 0 (default): off.
    /// </summary>
    public double DropPath { get; init; }

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

    /// <summary>The training list file of <see cref="TrainingDataset.List"/> (CSV <c>path,label</c>, paths relative to it).</summary>
    public string? TrainList { get; init; }

    /// <summary>The test list file of <see cref="TrainingDataset.List"/>.</summary>
    public string? TestList { get; init; }

    /// <summary>
    /// The square size image folders and lists are served at (1–1024), streamed from the files. Null: lists at 224,
    /// folders held in memory at 32 px as before this option (what a run folder that records no size means). The CLI
    /// gives new folder and list runs 224.
    /// </summary>
    public int? ImageSize { get; init; }

    /// <summary>Channels of a streamed folder or list: 1 (grey) or 3 (RGB, default).</summary>
    public int? Channels { get; init; }

    /// <summary>Threads decoding a streamed folder's or list's images (1 to the processor count). Default 2.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>The training crop of a streamed folder or list; null: <see cref="Options.TrainCrop.RandomResized"/>.</summary>
    [JsonConverter(typeof(KebabCaseEnumConverter<TrainCrop>))]
    public TrainCrop? TrainCrop { get; init; }

    /// <summary>Whether a streamed folder or list keeps its decoded images in memory between epochs (default none).</summary>
    [JsonConverter(typeof(KebabCaseEnumConverter<Data.CacheMode>))]
    public Data.CacheMode Cache { get; init; } = Data.CacheMode.None;

    /// <summary>The decoded-image cache's budget in GB (default 2).</summary>
    public double CacheGb { get; init; } = 2;

    /// <summary>The evaluation transform's crop fraction (timm's <c>crop_pct</c>): resize to size / fraction, then centre-crop. Default 0.875.</summary>
    public double CropFraction { get; init; } = 0.875;

    /// <summary>Whether the images are streamed from files (a list, or a folder with <see cref="ImageSize"/>).</summary>
    [JsonIgnore]
    public bool Streamed => Dataset == TrainingDataset.List || (Dataset == TrainingDataset.Folder && ImageSize is not null);

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
}
