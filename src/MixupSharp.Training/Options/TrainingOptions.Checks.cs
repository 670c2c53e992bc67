using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using MixupSharp.Composite;
using MixupSharp.Policies;
using MixupSharp.Training.Methods;

namespace MixupSharp.Training.Options;

/// <summary>The checks of <see cref="TrainingOptions"/>: ranges, and options given without the option they need.</summary>
public sealed partial record TrainingOptions
{
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
            ("drop-path", Models.ModelFactory.HasStochasticDepth(Model), $"applies to convnext-tiny, vit-b-16 and deit-tiny; {Model} has no stochastic depth."),
            ("lr-base-size", LearningRateBase is not null, "needs --lr-base (the rate it scales)."),
            ("train-crop", Streamed, "applies to image folders and lists (the built-in datasets keep their crop and flip)."),
            ("crop-pct", Streamed, "applies to image folders and lists."),
            ("workers", Streamed, "applies to image folders and lists (streamed from their files)."),
            ("channels", Streamed, "applies to image folders and lists."),
            ("cache", Streamed, "applies to image folders and lists (the built-in datasets are held in memory)."),
            ("cache-gb", Streamed && Cache != Data.CacheMode.None, "needs --cache memory or auto."),
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
        double lr = WithScaledLearningRate().LearningRate;
        Require(MinLearningRate >= 0 && MinLearningRate <= lr, "min-lr", $"must be between 0 and the learning rate ({lr}{(LearningRateBase is null ? string.Empty : $", --lr-base × {BatchSize}/{LearningRateBaseSize}")}); got {MinLearningRate}.");
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
        Require(DropPath >= 0 && DropPath < 1, "drop-path", $"must be a rate in [0, 1); got {DropPath}.");
        Require(LearningRateBase is null || (LearningRateBase > 0 && double.IsFinite(LearningRateBase.Value)), "lr-base", $"must be a positive rate; got {LearningRateBase}.");
        Require(LearningRateBaseSize >= 1, "lr-base-size", $"must be a positive batch size; got {LearningRateBaseSize}.");
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
        Require(Dataset != TrainingDataset.List || (!string.IsNullOrEmpty(TrainList) && !string.IsNullOrEmpty(TestList)), "train-list", "a list dataset needs --train-list FILE and --test-list FILE (CSV lines path,label).");
        Require(ImageSize is null || (ImageSize >= 1 && ImageSize <= 1024), "image-size", $"must be 1–1024 pixels; got {ImageSize}.");
        Require(Channels is null or 1 or 3, "channels", $"must be 1 or 3; got {Channels}.");
        Require(Workers >= 1 && Workers <= Environment.ProcessorCount, "workers", $"must be between 1 and the {Environment.ProcessorCount} processors here; got {Workers}.");
        Require(CacheGb > 0 && double.IsFinite(CacheGb), "cache-gb", $"must be a positive size in GB; got {CacheGb}.");
        Require(CropFraction > 0 && CropFraction <= 1, "crop-pct", $"must be a fraction in (0, 1]; got {CropFraction}.");
        Require(!Model.StartsWith("vit", StringComparison.Ordinal) && Model != "deit-tiny" || ImageSize is null || ImageSize % Models.VisionTransformer.Patch == 0, "image-size", $"must be a multiple of {Models.VisionTransformer.Patch} for {Model} (its patch size); got {ImageSize}.");
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
