using System;
using System.Linq;
using System.IO;
using System.Text.Json;
using MixupSharp.Training.Benchmarks;
using MixupSharp.Training.Options;

namespace MixupSharp.Cli;

/// <summary>
/// <c>mixup loader</c>: streams a run's training images through the loader alone (no model) and reports images/s,
/// peak resident memory and a fingerprint of the batches; takes train's data options.
/// </summary>
public static class LoaderCommand
{
    /// <summary>The verb's option table (for help and shell completion): train's, with --json and --fingerprint.</summary>
    public static OptionTable Table()
    {
        var options = new TrainingOptions();
        return Table(() => options, o => options = o, _ => { }, _ => { });
    }

    private static OptionTable Table(Func<TrainingOptions> get, Action<TrainingOptions> set, Action<string> json, Action<bool> fingerprint) =>
        TrainCommand.Options(get, set, _ => throw new UsageException("loader takes no --resume."))
            .Add("--json", "FILE", "loader: also write the report as JSON", json)
            .Switch("--fingerprint", "loader: also hash every batch (equal hashes: equal batches; costs time)", () => fingerprint(true));

    /// <summary>Runs the verb.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        // Train's own option table, so the data is read exactly as train reads it; --epochs counts streamed epochs.
        var options = new TrainingOptions { Epochs = 2 };
        string? json = null;
        bool fingerprint = false;
        var table = Table(() => options, o => options = o, v => json = v, v => fingerprint = v);
        if (args.Contains("--help") || args.Contains("-h"))
        {
            output.WriteLine("mixup loader: stream a dataset's training images through the training loader alone, as train would (same seeds, crops, workers), then flip and normalize; print images/s per epoch, the peak resident memory and, with --fingerprint, a hash of every batch's bytes. Takes train's data options (--dataset, --data-dir, --train-list, --image-size, --channels, --workers, --train-crop, --batch-size, --seed, --epochs: epochs streamed, default 2) --json FILE and --fingerprint.");
            return 0;
        }

        TrainCommand.ParseLayers(table, args);
        options = TrainCommand.WithCliDefaults(options, new[] { args });
        options.Validate();
        int epochs = options.Epochs;

        if (options.Threads > 0)
        {
            TorchSharp.torch.set_num_threads(options.Threads);
        }

        var report = LoaderReport.Measure(options, epochs, fingerprint, output.WriteLine);
        output.WriteLine($"{report.Images} images, median {report.Median:F0} images/s, peak resident {report.PeakResidentMb:F0} MB{(report.Fingerprint is null ? string.Empty : $", fingerprint {report.Fingerprint}")}");
        if (json is not null)
        {
            File.WriteAllText(json, JsonSerializer.Serialize(report));
        }

        return 0;
    }
}
