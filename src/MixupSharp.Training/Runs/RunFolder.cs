using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using MixupSharp.Training.Options;

namespace MixupSharp.Training.Runs;

/// <summary>
/// A run folder: the one owner of its file names and formats. Train writes it, and resume, eval, compare, plots and
/// bench read it through this type: config.json (<see cref="RunConfig"/>), metrics.csv (<see cref="MetricsTable"/>),
/// summary.json (<see cref="RunSummary"/>), reliability.json, checkpoint.bin (<see cref="Checkpoint"/>), the PNGs and
/// TensorBoard event files.
/// </summary>
public sealed class RunFolder
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>A view of the folder at <paramref name="path"/> (nothing is read or created yet).</summary>
    public RunFolder(string path) => Path = path ?? throw new ArgumentNullException(nameof(path));

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>config.json.</summary>
    public string ConfigPath => Combine("config.json");

    /// <summary>metrics.csv.</summary>
    public string MetricsPath => Combine("metrics.csv");

    /// <summary>summary.json.</summary>
    public string SummaryPath => Combine("summary.json");

    /// <summary>reliability.json: the last epoch's reliability bins.</summary>
    public string ReliabilityPath => Combine("reliability.json");

    /// <summary>checkpoint.bin.</summary>
    public string CheckpointPath => Combine("checkpoint.bin");

    /// <summary>The weights of the epoch with the lowest validation error (runs with <c>--validation</c>).</summary>
    public string BestValidationModelPath => Combine("best-validation.bin");

    /// <summary>learning-curves.png.</summary>
    public string LearningCurvesPlotPath => Combine("learning-curves.png");

    /// <summary>reliability.png.</summary>
    public string ReliabilityPlotPath => Combine("reliability.png");

    /// <summary>augmented-samples.png.</summary>
    public string SamplesPlotPath => Combine("augmented-samples.png");

    /// <summary>Whether a checkpoint is there.</summary>
    public bool HasCheckpoint => File.Exists(CheckpointPath);

    /// <summary>Creates the folder if needed; an <see cref="IOException"/> says plainly why it cannot be.</summary>
    public void Create()
    {
        Folders.Create("the run folder", Path);
        try
        {
            string probe = Combine(".write-test");
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"the run folder {Path} cannot be created or written to ({e.Message}).", e);
        }
    }

    /// <summary>The files a run writes that are here now (config, metrics, summary, checkpoint, pictures, TensorBoard events).</summary>
    public IReadOnlyList<string> RunFiles()
    {
        if (!Directory.Exists(Path))
        {
            return Array.Empty<string>();
        }

        var known = new[] { ConfigPath, MetricsPath, SummaryPath, ReliabilityPath, CheckpointPath, BestValidationModelPath, LearningCurvesPlotPath, ReliabilityPlotPath, SamplesPlotPath };
        return known.Where(File.Exists).Concat(Directory.EnumerateFiles(Path, "events.out.tfevents.*")).Select(f => System.IO.Path.GetFileName(f)!).ToList();
    }

    /// <summary>Deletes the files a run writes (<see cref="RunFiles"/>), leaving anything else in the folder alone.</summary>
    public void DeleteRunFiles()
    {
        foreach (var file in RunFiles())
        {
            File.Delete(Combine(file));
        }
    }

    /// <summary>config.json; an <see cref="ArgumentException"/> names the folder when it is missing or not valid.</summary>
    public RunConfig ReadConfig()
    {
        if (!File.Exists(ConfigPath))
        {
            throw new ArgumentException($"{Path}: no config.json there, so it is not a run folder.");
        }

        try
        {
            return RunConfig.Parse(File.ReadAllText(ConfigPath));
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{ConfigPath}: not valid JSON ({e.Message}).");
        }
        catch (InvalidOptionException e)
        {
            throw new ArgumentException($"{ConfigPath}: '{e.Option}' {e.Requirement}");
        }
    }

    /// <summary>Writes config.json whole or not at all.</summary>
    public void WriteConfig(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        AtomicFile.WriteAllText(ConfigPath, config.ToJson());
    }

    /// <summary>summary.json, or null when there is none yet.</summary>
    public RunSummary? ReadSummary() => File.Exists(SummaryPath) ? JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(SummaryPath)) : null;

    /// <summary>
    /// Writes summary.json through a temporary file and a rename, so a run killed while writing it (it is rewritten every
    /// epoch) leaves the previous summary rather than a truncated one that a resuming grid could not read.
    /// </summary>
    public void WriteSummary(RunSummary summary)
    {
        string temporary = SummaryPath + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(summary, Indented));
        File.Move(temporary, SummaryPath, overwrite: true);
    }

    /// <summary>The rows of metrics.csv.</summary>
    public IReadOnlyList<Dictionary<string, double>> ReadMetrics() => MetricsTable.Read(MetricsPath);

    /// <summary>Appends an epoch to metrics.csv.</summary>
    public void AppendMetrics(EpochMetrics metrics, IReadOnlyList<string> classNames) => MetricsTable.Append(MetricsPath, metrics, classNames);

    /// <summary>Drops metrics.csv rows after <paramref name="completedEpochs"/>.</summary>
    public void TruncateMetrics(int completedEpochs) => MetricsTable.Truncate(MetricsPath, completedEpochs);

    /// <summary>reliability.json, or null when there is none.</summary>
    public IReadOnlyList<ReliabilityBin>? ReadReliability() =>
        File.Exists(ReliabilityPath) ? JsonSerializer.Deserialize<List<ReliabilityBin>>(File.ReadAllText(ReliabilityPath)) : null;

    /// <summary>Writes reliability.json whole or not at all (a grid's report reads it while a killed shard may have been writing).</summary>
    public void WriteReliability(IReadOnlyList<ReliabilityBin> bins) => AtomicFile.WriteAllText(ReliabilityPath, JsonSerializer.Serialize(bins, Indented));

    /// <summary>The resolved options recorded in config.json.</summary>
    public TrainingOptions ReadOptions() => ReadConfig().Options;

    private string Combine(string file) => System.IO.Path.Combine(Path, file);
}
