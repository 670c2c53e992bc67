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
/// The recipes, each backed by a measured result of this project (docs/RESULTS.md). A recipe sets only what its evidence
/// is about; the rest stays at the defaults or at the flags given.
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
        return set.Where(f => plain[f.Key] != f.Value && run[f.Key] != f.Value)
            .Select(f => new RecipeOverride(KebabCase(f.Key), f.Value, run[f.Key])).ToList();
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
