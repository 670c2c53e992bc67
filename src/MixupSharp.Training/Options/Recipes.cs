using System;
using System.Collections.Generic;
using System.Linq;
using MixupSharp.Training.Methods;

namespace MixupSharp.Training.Options;

/// <summary>A named setting the project's own evidence supports (<c>--recipe NAME</c>); explicit flags still override it.</summary>
/// <param name="Name">The name on the command line and in config.json.</param>
/// <param name="Summary">What it sets, in words.</param>
/// <param name="Evidence">Where the evidence is (a section of docs/RESULTS.md and its grid).</param>
/// <param name="Apply">The options it sets.</param>
public sealed record Recipe(string Name, string Summary, string Evidence, Func<TrainingOptions, TrainingOptions> Apply);

/// <summary>
/// The recipes: <c>noisy-labels</c> and <c>little-data</c> are backed by measured results of this project
/// (docs/RESULTS.md) and set only what that evidence is about; <c>deit</c> and <c>fine-tune</c> are published recipes,
/// not measured here, and say so. The rest stays at the defaults or at the flags given.
/// </summary>
public static class Recipes
{
    /// <summary>Every recipe.</summary>
    public static readonly IReadOnlyList<Recipe> All = new[]
    {
        new Recipe(
            "noisy-labels",
            "Mixup with α = 8",
            "docs/RESULTS.md, 'Noisy labels' (experiments/fashion-mnist-noisy, 40% symmetric noise, 3 seeds): last-epoch error 15.3% against ERM's 34.4%, 9.3% of the flipped labels memorized against 99.8%. Its predictions are underconfident (ECE 30%); eval --calibrate fixes that.",
            o => o with { Method = KnownMethods.Mixup, Alpha = 8 }),
        new Recipe(
            "little-data",
            "CutMix with α = 0.5 for 200 epochs",
            "docs/RESULTS.md, 'Where augmentation pays' (experiments/fashion-mnist-learning-curve-n1000 and -n4000: 8 methods, 5 seeds per size): CutMix had the lowest mean validation error of the eight at 1,000 and at 4,000 clean images. Its test error was 2.08 points below ERM's at 1,000 (13.56% against 15.63%; paired by seed, 95% CI [1.24, 2.91], Holm p 0.013) and 0.55 below at 4,000 (10.34% against 10.89%; [0.40, 0.71], Holm p 0.003), where FMix and Mixup did as well. With a residual model (fast-resnet, -fast-resnet-n1000) at 1,000 images it was second on validation and lowest on test (14.69% against ERM's 16.49%, Holm p 0.011). At 15,000 images (-n15000, 3 seeds) no method's gain over ERM was significant (CutMix 7.88% against 8.30%, Holm p 0.98) and Mixup α = 0.2 had the lowest validation error: the recipe is for a few thousand images or fewer. α = 0.5 was chosen on validation; 200 epochs is the budget the pilot chose at 1,000 images (100 at 4,000; give --epochs for a larger set), where longer budgets won for ERM and Mixup.",
            o => o with { Method = KnownMethods.CutMix, Alpha = 0.5, Epochs = 200 }),
        new Recipe(
            "deit",
            "DeiT's training recipe: AdamW, lr 5e-4·batch/512, weight decay 0.05 (none on norms, biases, tokens), cosine to 1e-5 after 5 warm-up epochs from 1e-6, 300 epochs, label smoothing 0.1, RandAugment m9 mstd 0.5 (our bins 27 and 1.5), Mixup 0.8 / CutMix 1.0 switched with probability 0.5, Random Erasing 0.25 (pixel), stochastic depth 0.1, no EMA",
            "the paper's, not measured here: Touvron et al., ICML 2021 (arXiv 2012.12877), Table 9, as timm's train.py and DeiT's main.py run it. Left out: repeated augmentation (3 repeats per batch) and the 1024-image batch (the rate scales with yours). Stochastic depth applies to convnext-tiny, vit-b-16 and deit-tiny; the other models have none",
            o => (o with { Method = KnownMethods.All.OfType<MixupCutMixMethod>().Single() }).With(MixupCutMixMethod.MixupAlpha, "0.8").With(MixupCutMixMethod.CutMixAlpha, "1.0") with
            {
                Probability = 1, SwitchProbability = 0.5, LabelSmoothing = 0.1,
                Optimizer = OptimizerKind.AdamW, LearningRateBase = 5e-4, LearningRateBaseSize = 512, WeightDecay = 0.05, NoDecayNormBias = true,
                Schedule = ScheduleKind.Cosine, MinLearningRate = 1e-5, WarmupEpochs = 5, WarmupLearningRate = 1e-6, Epochs = 300,
                Policy = TrainingPolicy.RandAugment, RaOps = 2, RaMagnitude = 27, RaMagnitudeStd = 1.5,
                ReProb = 0.25, ReMode = ErasingMode.Pixel, ReCount = 1, DropPath = 0.1, ModelEma = null,
            }),
        new Recipe(
            "fine-tune",
            "conservative fine-tuning of published weights (BiT-HyperRule for fewer than 20,000 images): SGD with momentum 0.9, lr 0.003·batch/512, no weight decay, 20 epochs with the rate ÷10 at 30%, 60% and 90% (epochs 6, 12, 18) after 1 warm-up epoch, no Mixup",
            "the paper's, not measured here: Kolesnikov et al., 'Big Transfer (BiT)', ECCV 2020 (arXiv 1912.11370), section 3.3. BiT fixes 500 steps at batch 512 for small sets; we state epochs (20 at batch 128 is 500 steps for 3,200 images). Give --init-from with the weights",
            o => o with
            {
                Method = KnownMethods.Erm, Optimizer = OptimizerKind.Sgd, Momentum = 0.9, LearningRateBase = 0.003, LearningRateBaseSize = 512, WeightDecay = 0,
                Schedule = ScheduleKind.MultiStep, Milestones = new[] { 6, 12, 18 }, Gamma = 0.1, WarmupEpochs = 1, Epochs = 20,
            }),
    };
    /// <summary>
    /// The values <paramref name="options"/>' recipe sets that the run overrides (an explicit flag, a variants file's
    /// shared option or a command-line flag always wins over a recipe): each as the option's name, the recipe's value
    /// and the run's, in their JSON form. Empty without a recipe or overrides.
    /// </summary>
    public static IReadOnlyList<RecipeOverride> Overrides(TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Recipe is null || All.FirstOrDefault(r => r.Name == options.Recipe) is not { } recipe)
        {
            return Array.Empty<RecipeOverride>();
        }

        var plain = Fields(new TrainingOptions());
        var set = Fields(recipe.Apply(new TrainingOptions()));
        var run = Fields(options);
        // An option left out of the JSON (null method settings) compares as null.
        string Of(Dictionary<string, string> fields, string key) => fields.TryGetValue(key, out var v) ? v : "null";
        return set.Where(f => Of(plain, f.Key) != f.Value && Of(run, f.Key) != f.Value)
            .Select(f => new RecipeOverride(KebabCase(f.Key), f.Value, Of(run, f.Key))).ToList();
    }

    private static Dictionary<string, string> Fields(TrainingOptions options) =>
        System.Text.Json.JsonSerializer.SerializeToNode(options)!.AsObject().ToDictionary(p => p.Key, p => p.Value?.ToJsonString() ?? "null");

    private static string KebabCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));


    /// <summary>The recipe named <paramref name="name"/>; an unknown name is an error listing the recipes.</summary>
    public static Recipe Parse(string name) =>
        All.FirstOrDefault(r => r.Name == name)
        ?? throw new InvalidOptionException("recipe", $"must be one of {string.Join(", ", All.Select(r => r.Name))}; got '{name}'.");
}

/// <summary>A value a recipe sets that the run overrides.</summary>
/// <param name="Option">The option, by its flag name without dashes.</param>
/// <param name="RecipeValue">The recipe's value (JSON).</param>
/// <param name="RunValue">The run's value (JSON).</param>
public sealed record RecipeOverride(
    [property: System.Text.Json.Serialization.JsonPropertyName("option")] string Option,
    [property: System.Text.Json.Serialization.JsonPropertyName("recipe")] string RecipeValue,
    [property: System.Text.Json.Serialization.JsonPropertyName("run")] string RunValue);
