using System.Collections.Generic;
using System.Linq;
using MixupSharp.Training.Methods;

namespace MixupSharp.Cli;

/// <summary><c>train --help</c>'s grouping of its options and its examples (the parser does not depend on them).</summary>
public static class TrainHelp
{
    /// <summary>The groups, in the order the help shows them.</summary>
    public static IReadOnlyList<(string Title, IReadOnlyCollection<string> Flags, string? Note)> Groups()
    {
        // Options a method declares for itself belong with the methods.
        var methodOptions = KnownMethods.All.SelectMany(m => m.Options).Select(o => "--" + o.Name).Distinct();
        return new (string, IReadOnlyCollection<string>, string?)[]
        {
            ("data", new[] { "--dataset", "--data-dir", "--train-list", "--test-list", "--image-size", "--channels", "--workers", "--train-crop", "--cache", "--cache-gb", "--crop-pct", "--train-subset", "--label-noise", "--skip-corrupt", "--max-image-megapixels" }, null),
            ("model", new[] { "--model", "--drop-path", "--init-from" }, null),
            ("method and policy", new[]
            {
                "--recipe", "--method", "--alpha", "--prob", "--switch-prob", "--label-smoothing", "--blend", "--insertion", "--jsd-weight", "--jsd-views",
                "--policy", "--ra-ops", "--ra-magnitude", "--ra-mstd", "--aa-policy", "--augmix-severity", "--augmix-width", "--reprob", "--remode", "--recount",
                "--mixup-off-epoch", "--no-standard-aug",
            }.Concat(methodOptions).ToArray(), null),
            ("optimization", new[]
            {
                "--epochs", "--batch-size", "--lr", "--lr-base", "--lr-base-size", "--momentum", "--nesterov", "--weight-decay", "--optimizer", "--opt-betas", "--opt-eps",
                "--no-decay-norm-bias", "--model-ema", "--clip-grad", "--schedule", "--milestones", "--step-size", "--gamma", "--warmup-epochs", "--warmup-lr", "--min-lr",
            }, null),
            ("run and output", new[] { "--config", "--seed", "--threads", "--device", "--out", "--resume", "--overwrite" }, null),
            ("validation", new[] { "--validation", "--validation-seed", "--early-stop", "--train-error-every", "--test-every" }, null),
            ("cluster", System.Array.Empty<string>(), "a grid of runs goes to Slurm or Kubernetes through ./mixup compare (--emit slurm|k8s, --shard I/N|auto, --steal-stale-locks); see ./mixup compare --help"),
        };
    }

    /// <summary>The three examples the help ends with.</summary>
    public static readonly string[] Examples =
    {
        "./mixup train --method mixup --alpha 0.2 --epochs 15 --out runs/mixup",
        "./mixup train --dataset folder --data-dir photos --recipe little-data",
        "./mixup train --dataset cifar10 --method cutmix --validation 5000",
    };
}
