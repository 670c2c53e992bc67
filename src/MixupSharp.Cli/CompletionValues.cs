using System.Collections.Generic;
using System.Linq;
using MixupSharp.Composite;
using MixupSharp.Policies;
using MixupSharp.Training.Data;
using MixupSharp.Training.Interop;
using MixupSharp.Training.Models;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Options;

namespace MixupSharp.Cli;

/// <summary>What shell completion offers after a flag: the names the parser accepts (from the same registries and enums), or paths.</summary>
public static class CompletionValues
{
    /// <summary>How a flag's value completes.</summary>
    public enum Kind
    {
        /// <summary>Nothing offered (a number, a free name).</summary>
        None,

        /// <summary>One of <see cref="Names"/>.</summary>
        Names,

        /// <summary>A folder.</summary>
        Directory,

        /// <summary>A file.</summary>
        File,
    }

    /// <summary>How the value of <paramref name="option"/> of <paramref name="verb"/> completes, and the names when it is a choice.</summary>
    public static (Kind Kind, IReadOnlyList<string> Names) For(string verb, CliOption option)
    {
        var names = Choices(verb, option.Flag);
        if (names is not null)
        {
            return (Kind.Names, names);
        }

        return option.Value switch
        {
            "DIR" => (Kind.Directory, []),
            "FILE" => (Kind.File, []),
            _ => (Kind.None, []),
        };
    }

    private static IReadOnlyList<string>? Choices(string verb, string flag) => (verb, flag) switch
    {
        ("datasets", "--download" or "--dataset") => KebabCaseEnumConverter<DatasetKind>.Names(),
        ("datasets", "--generate") => ["cifar10"],
        ("bench", "--parts") => ["trainer", "loader", "memory", "load"],
        ("bench", "--memory-method") => KnownMethods.Names,
        ("eval" or "preview", "--split") => ["train", "test"],
        ("eval", "--calibrate-on") => ["validation", "test-half"],
        ("compare", "--emit") => ["slurm", "k8s"],
        ("export", "--format") => KebabCaseEnumConverter<ExportFormat>.Names(),
        (_, "--recipe") => Recipes.All.Select(r => r.Name).ToArray(),
        (_, "--dataset") => KebabCaseEnumConverter<TrainingDataset>.Names(),
        (_, "--model") => ModelFactory.Names,
        (_, "--method") => KnownMethods.Names,
        (_, "--policy") => KebabCaseEnumConverter<TrainingPolicy>.Names(),
        (_, "--aa-policy") => KebabCaseEnumConverter<AutoAugmentPolicy>.Names(),
        (_, "--blend") => KebabCaseEnumConverter<Blend>.Names(),
        (_, "--insertion") => KebabCaseEnumConverter<SyntheticInsertion>.Names(),
        (_, "--jsd-views") => KebabCaseEnumConverter<JsdViews>.Names(),
        (_, "--remode") => KebabCaseEnumConverter<ErasingMode>.Names(),
        (_, "--optimizer") => KebabCaseEnumConverter<OptimizerKind>.Names(),
        (_, "--schedule") => KebabCaseEnumConverter<ScheduleKind>.Names(),
        (_, "--device") => KebabCaseEnumConverter<ComputeDevice>.Names(),
        (_, "--train-crop") => KebabCaseEnumConverter<TrainCrop>.Names(),
        (_, "--cache") => KebabCaseEnumConverter<CacheMode>.Names(),
        (_, "--channels") => ["1", "3"],
        _ => null,
    };
}
