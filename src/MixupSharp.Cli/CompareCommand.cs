using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using MixupSharp.Training;
using MixupSharp.Training.Grids;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Options;

namespace MixupSharp.Cli;

/// <summary>
/// <c>mixup compare</c>: a grid of named variants × seeds, trained (resumably) and summarized. The variants file is a JSON
/// array of objects, or an object {"seeds": [..], "shared": {..}, "variants": [..]}; each variant has a "name" and any
/// <c>train</c> option by its flag name without dashes ("method", "alpha", "label-noise" or "label_noise", ...), and may
/// set its own "seeds". Precedence: defaults, then the file's "shared", then shared flags on the command line, then the variant.
/// </summary>
public static class CompareCommand
{
    private static readonly string Summary = $$"""
        Train a grid of named variants x seeds into OUT/<variant>/s<seed>, then write OUT/results.md, results.csv, runs.csv
        and overlay plots: mean +- sd per metric and Welch t-test p-values against the baseline variant. Resumable: run the
        same command again and completed runs are skipped, unfinished ones continue from their checkpoint.
        Any train option (e.g. --epochs 15 --threads 2) given here is shared by every variant.
        Variants file: [{"name": "{{KnownMethods.Erm.Name}}", "method": "{{KnownMethods.Erm.Name}}"}, {"name": "mixup-a8", "method": "{{KnownMethods.Mixup.Name}}", "alpha": 8}] or
        {"seeds": [1, 2, 3], "shared": {"epochs": 15}, "variants": [..., {"name": "x", ..., "seeds": [1, 2]}]}.
        """;

    /// <summary>
    /// Refuses, before anything trains, variant names that would collide with the grid's report files (each variant is
    /// a folder beside them) or that no file system takes (over 255 bytes).
    /// </summary>
    private static void CheckNames(string variantsFile, IEnumerable<string> names)
    {
        var reserved = ComparisonTables.FileNames.Concat(MixupSharp.Training.Reports.ComparisonPlots.FileNames).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (string name in names)
        {
            if (reserved.Contains(name))
            {
                throw new UsageException($"{variantsFile}: variant '{name}' is named like a report file of the grid ({string.Join(", ", reserved)}); rename it.");
            }

            if (System.Text.Encoding.UTF8.GetByteCount(name) > 255)
            {
                throw new UsageException($"{variantsFile}: variant '{name[..40]}…' has a name of {System.Text.Encoding.UTF8.GetByteCount(name)} bytes; a folder name takes at most 255.");
            }
        }
    }

    /// <summary>The verb's own option table (for help and shell completion; shared train options come on top).</summary>
    public static OptionTable Table() => Table(new Settings());

    /// <summary>Runs the verb.</summary>
    public static int Run(string[] args, TextWriter output, CancellationToken? stop)
    {
        var s = new Settings();
        var sharedArgs = new List<string>();
        var table = Table(s);
        if (args.Contains("--help") || args.Contains("-h"))
        {
            output.Write(table.Help());
            output.WriteLine();
            output.WriteLine("shared train options (see ./mixup train --help): any except --out, --resume and --seed.");
            return 0;
        }

        // Split the command line: compare's own options, and shared train options (checked against train's table).
        var own = new List<string>();
        var trainFlags = TrainCommand.Options(() => new TrainingOptions(), _ => { }, _ => { });
        var split = table.SplitEquals(args);
        for (int i = 0; i < split.Count; i++)
        {
            bool isOwn = table.Options.Any(o => o.Flag == split[i]);
            var target = isOwn ? own : sharedArgs;
            target.Add(split[i]);
            bool takesValue = !table.IsSwitch(split[i]) && !trainFlags.IsSwitch(split[i]);
            if (takesValue && i + 1 < split.Count && !split[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                target.Add(split[++i]);
            }
        }

        table.Parse(own);
        var (variantsFile, outDir, seedsText, baseline, reportOnly) = (s.VariantsFile, s.OutDir, s.SeedsText, s.Baseline, s.ReportOnly);
        var sharing = new GridSharing(
            s.Shard is null ? GridShard.All : GridShard.Parse(s.Shard, Environment.GetEnvironmentVariable, s.ShardCount),
            TimeSpan.FromMinutes(s.LockTimeoutMinutes > 0 ? s.LockTimeoutMinutes : throw new UsageException($"--lock-timeout must be positive minutes; got {s.LockTimeoutMinutes}.")),
            s.StealStaleLocks);
        if (sharedArgs.Any(a => a is "--resume" or "--out" or "--seed"))
        {
            throw new UsageException("compare sets each run's --out and --seed itself, and resumes on its own; leave out --resume, --seed (use --seeds) and train's --out.");
        }

        if (variantsFile is null)
        {
            throw new UsageException("compare needs --variants FILE (a JSON list of variants; see ./mixup compare --help).");
        }

        var grid = ReadGrid(variantsFile);
        long[] defaultSeeds = seedsText is not null ? seedsText.Split(',').Select(OptionTable.Long).ToArray() : grid.Seeds ?? new long[] { 1, 2, 3 };
        outDir ??= Path.Combine("runs", "compare-" + Path.GetFileNameWithoutExtension(variantsFile));
        var perVariant = new List<(string Variant, TrainingOptions Options, IReadOnlyList<long> Seeds)>();
        foreach (var variant in grid.Variants)
        {
            var options = new TrainingOptions();
            var variantTable = TrainCommand.Options(() => options, o => options = o, _ => throw new UsageException("a variant cannot set resume."));
            try
            {
                TrainCommand.ParseLayers(variantTable, grid.Shared, sharedArgs, variant.Args);
                options = TrainCommand.WithCliDefaults(options, new IReadOnlyList<string>[] { grid.Shared, sharedArgs, variant.Args });
                TrainCommand.CheckGiven(options, new IReadOnlyList<string>[] { grid.Shared, sharedArgs, variant.Args });
            }
            catch (UsageException e)
            {
                throw new UsageException($"{variantsFile}, variant '{variant.Name}': {e.Message}");
            }
            catch (InvalidOptionException e)
            {
                throw new UsageException($"{variantsFile}, variant '{variant.Name}': --{e.Option} {e.Requirement}");
            }

            perVariant.Add((variant.Name, options, (seedsText is null ? variant.Seeds : null) ?? defaultSeeds));
        }

        CheckNames(variantsFile, grid.Variants.Select(v => v.Name));
        if (s.SelectBy is not null && perVariant.FirstOrDefault(v => v.Options.Validation is null) is { Variant: { } unvalidated })
        {
            throw new UsageException($"--select-by chooses on the validation set, but variant '{unvalidated}' holds none out; give --validation N (shared) or leave out --select-by.");
        }

        var groups = grid.Variants.ToDictionary(v => v.Name, v => v.Group);
        var runs = Comparison.SeedMajor(outDir, perVariant).Select(r => r with { Group = groups[r.Variant] }).ToList();
        if (s.SelectBy is not null && Array.IndexOf(Comparison.SelectionMetrics, s.SelectBy) < 0)
        {
            throw new UsageException($"--select-by must be one of {string.Join(", ", Comparison.SelectionMetrics)} (validation metrics: a sweep is never chosen on the test set); got '{s.SelectBy}'.");
        }

        if (s.SelectBy is not null && groups.Values.All(g => g is null))
        {
            throw new UsageException($"--select-by picks one variant per \"group\", and no variant of {variantsFile} has a group.");
        }

        var alsoAgainst = s.AlsoAgainst?.Split(',', StringSplitOptions.TrimEntries) ?? Array.Empty<string>();
        foreach (string name in alsoAgainst)
        {
            if (name == baseline || !perVariant.Any(v => v.Variant == name))
            {
                throw new UsageException($"--also-against {name}: expected a variant of {variantsFile} other than the baseline '{baseline}' ({string.Join(", ", grid.Variants.Select(v => v.Name))}); got '{name}'.");
            }
        }

        var comparison = new Comparison(outDir, runs, baseline, s.SelectBy) { AlsoAgainst = alsoAgainst };
        if (!perVariant.Any(v => v.Variant == baseline))
        {
            output.WriteLine($"warning: no variant is named '{baseline}' (--baseline), so no p-values are computed.");
        }

        if (s.Cluster.Emit is not null)
        {
            output.Write(ClusterScripts.Emit(s.Cluster, split, f => table.IsSwitch(f) || trainFlags.IsSwitch(f), outDir, runs.Count));
            return 0;
        }

        output.WriteLine($"compare: {grid.Variants.Count} variants, {runs.Count} runs into {outDir}");
        var outcome = RunOutcome.Completed;
        if (!reportOnly)
        {
            outcome = StopSignals.Run(output, stop, token => comparison.RunAll(_ => new ConsoleObserver(output), output.WriteLine, token, sharing));
        }

        output.WriteLine();
        var report = comparison.WriteReport();
        output.WriteLine(report.Markdown);
        output.WriteLine($"written into {outDir}: {string.Join(", ", report.Files)}");
        var unfinished = comparison.Unfinished(sharing.LockTimeout);
        if (unfinished.Count > 0)
        {
            output.WriteLine($"not completed: {unfinished.Count} of {runs.Count} runs ({unfinished.Count(u => u.Running)} running now): "
                + string.Join(", ", unfinished.Select(u => $"{u.Run.Variant} s{u.Run.Options.Seed}{(u.Running ? " (running)" : string.Empty)}")));
        }
        if (outcome == RunOutcome.Interrupted)
        {
            output.WriteLine("interrupted; run the same command again to continue the grid.");
            return 130;
        }

        return 0;
    }

    private static OptionTable Table(Settings s) =>
        new OptionTable("compare", Summary)
            .Add("--variants", "FILE", "the JSON file of variants (required)", v => s.VariantsFile = v)
            .Add("--seeds", "S1,S2,..", "seeds of every variant (default: the file's \"seeds\", else 1,2,3)", v => s.SeedsText = v)
            .Add("--out", "DIR", "the grid's folder (default runs/compare-<variants file name>)", v => s.OutDir = v)
            .Add("--baseline", "NAME", "the variant others are tested against (default erm)", v => s.Baseline = v)
            .Add("--also-against", "NAME[,NAME]", "pair the variants against these too, after the baseline, each in a Holm family of its own over the variants that are no baseline (e.g. cutmix, for new methods against ERM and against CutMix)", v => s.AlsoAgainst = v)
            .Add("--select-by", "METRIC", $"per variants-file \"group\", report the variant with the lowest mean of a validation metric ({string.Join(", ", Comparison.SelectionMetrics)}) with the sweep's values; also writes selection.csv", v => s.SelectBy = v)
            .Switch("--report-only", "train nothing; summarize the runs there are, and say which are missing or running", () => s.ReportOnly = true)
            .Add("--shard", "I/N|free|auto", "train only shard I of N of the grid's runs (fixed by the grid; free: any run no live process holds, so processes started alike balance themselves; auto: from SLURM_ARRAY_TASK_* or JOB_COMPLETION_INDEX)", v => s.Shard = v)
            .Add("--shard-count", "N", "with --shard auto: the number of shards (a Kubernetes Job's completions; under Slurm it overrides SLURM_ARRAY_TASK_COUNT, and the emitted script passes it)", v => s.ShardCount = OptionTable.Int(v))
            .Add("--lock-timeout", "MIN", "a run's lock not refreshed for this many minutes is stale (default 10)", v => s.LockTimeoutMinutes = OptionTable.Double(v))
            .Switch("--steal-stale-locks", "take over stale locks (a requeued task after a hard kill)", () => s.StealStaleLocks = true)
            .Add("--emit", "slurm|k8s", "train nothing; print a Slurm submit script or a Kubernetes Indexed Job for this grid", v => s.Cluster.Emit = v)
            .Add("--tasks", "N", "with --emit: array tasks (shards); default one per run", v => s.Cluster.Tasks = OptionTable.Int(v))
            .Add("--max-parallel", "N", "with --emit: at most N tasks at once (default no cap)", v => s.Cluster.MaxParallel = OptionTable.Int(v))
            .Add("--cpus", "N", "with --emit: CPUs (and training threads) per task (default 2)", v => s.Cluster.Cpus = OptionTable.Int(v))
            .Add("--mem", "SIZE", "with --emit: memory per task, e.g. 8G (default 8G)", v => s.Cluster.Memory = v)
            .Add("--time", "HH:MM:SS", "with --emit slurm: wall-time limit per task (default 04:00:00)", v => s.Cluster.Time = v)
            .Add("--cli", "CMD", "with --emit: how a task runs the built CLI (default: dotnet <this CLI's dll>)", v => s.Cluster.Cli = v)
            .Add("--image", "IMAGE", "with --emit k8s: the container image holding .NET and the built CLI (required)", v => s.Cluster.Image = v)
            .Add("--pvc", "NAME", "with --emit k8s: the persistent volume claim mounted at --out (required)", v => s.Cluster.VolumeClaim = v);

    private sealed class Settings
    {
        public string? VariantsFile { get; set; }

        public string? OutDir { get; set; }

        public string? SeedsText { get; set; }

        public string Baseline { get; set; } = KnownMethods.Erm.Name;

        public string? AlsoAgainst { get; set; }

        public string? SelectBy { get; set; }

        public bool ReportOnly { get; set; }

        public string? Shard { get; set; }

        public int? ShardCount { get; set; }

        public double LockTimeoutMinutes { get; set; } = 10;

        public bool StealStaleLocks { get; set; }

        public ClusterEmitOptions Cluster { get; } = new();
    }

    private sealed record Variant(string Name, string[] Args, long[]? Seeds, string? Group);

    private sealed record Grid(IReadOnlyList<Variant> Variants, string[] Shared, long[]? Seeds);

    private static Grid ReadGrid(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"--variants {path}: no such file.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new UsageException($"{path}: not valid JSON ({e.Message}).");
        }

        using (document)
        {
            var root = document.RootElement;
            JsonElement variants;
            string[] shared = Array.Empty<string>();
            long[]? seeds = null;
            if (root.ValueKind == JsonValueKind.Array)
            {
                variants = root;
            }
            else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("variants", out variants) && variants.ValueKind == JsonValueKind.Array)
            {
                if (root.TryGetProperty("shared", out var s))
                {
                    shared = Flags(s, path, "shared");
                }

                if (root.TryGetProperty("seeds", out var sd))
                {
                    seeds = Seeds(sd, path, "seeds");
                }
            }
            else
            {
                throw new UsageException($"{path}: expected a JSON array of variants, or an object with a \"variants\" array.");
            }

            var list = new List<Variant>();
            int index = 0;
            foreach (var v in variants.EnumerateArray())
            {
                index++;
                if (v.ValueKind != JsonValueKind.Object || !v.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString()))
                {
                    throw new UsageException($"{path}: variant {index} needs a \"name\" string.");
                }

                string n = name.GetString()!;
                if (n.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || n is "." or "..")
                {
                    throw new UsageException($"{path}: variant name '{n}' must be usable as a folder name.");
                }

                if (list.Any(x => x.Name == n))
                {
                    throw new UsageException($"{path}: two variants are named '{n}'.");
                }

                long[]? own = v.TryGetProperty("seeds", out var vs) ? Seeds(vs, path, $"variant '{n}' seeds") : null;
                string? group = null;
                if (v.TryGetProperty("group", out var g))
                {
                    group = g.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(g.GetString()) ? g.GetString()
                        : throw new UsageException($"{path}: variant '{n}' \"group\" must be a non-empty string; got {g.GetRawText()}.");
                }

                list.Add(new Variant(n, Flags(v, path, $"variant '{n}'"), own, group));
            }

            if (list.Count == 0)
            {
                throw new UsageException($"{path}: no variants.");
            }

            return new Grid(list, shared, seeds);
        }
    }

    /// <summary>JSON properties as train flags: {"alpha": 8, "no-standard-aug": true} gives --alpha 8 --no-standard-aug.</summary>
    private static string[] Flags(JsonElement obj, string path, string where)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            throw new UsageException($"{path}: {where} must be a JSON object.");
        }

        var flags = new List<string>();
        foreach (var p in obj.EnumerateObject())
        {
            if (p.Name is "name" or "seeds" or "group")
            {
                continue;
            }

            string flag = "--" + p.Name.Replace('_', '-');
            if (flag is "--out" or "--resume" or "--seed")
            {
                throw new UsageException($"{path}: {where} sets '{p.Name}', which compare sets itself (use \"seeds\").");
            }

            switch (p.Value.ValueKind)
            {
                case JsonValueKind.True:
                    flags.Add(flag);
                    break;
                case JsonValueKind.False:
                    break;
                case JsonValueKind.Number:
                    flags.Add(flag);
                    flags.Add(p.Value.GetRawText());
                    break;
                case JsonValueKind.String:
                    flags.Add(flag);
                    flags.Add(p.Value.GetString()!);
                    break;
                case JsonValueKind.Array when flag != "--milestones":
                    throw new UsageException($"{path}: {where}: '{p.Name}' is an array, but it takes one value; write one variant per value for a sweep.");
                case JsonValueKind.Array:
                    flags.Add(flag);
                    flags.Add(string.Join(',', p.Value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())));
                    break;
                default:
                    throw new UsageException($"{path}: {where}: '{p.Name}' must be a number, string, boolean or array.");
            }
        }

        return flags.ToArray();
    }

    private static long[] Seeds(JsonElement e, string path, string where)
    {
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() == 0 || e.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.Number || !s.TryGetInt64(out _)))
        {
            throw new UsageException($"{path}: {where} must be a non-empty array of integers.");
        }

        return e.EnumerateArray().Select(s => s.GetInt64()).ToArray();
    }
}
