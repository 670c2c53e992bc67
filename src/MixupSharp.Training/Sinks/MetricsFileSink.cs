using MixupSharp.Training.Runs;

namespace MixupSharp.Training.Sinks;

/// <summary>Appends each epoch to metrics.csv and writes its reliability.json; on resume, drops rows the checkpoint does not cover.</summary>
public sealed class MetricsFileSink : ITrainingSink
{
    private readonly RunFolder _folder;

    /// <summary>Creates the sink for <paramref name="folder"/>.</summary>
    public MetricsFileSink(RunFolder folder) => _folder = folder;

    /// <inheritdoc />
    public void OnStart(TrainingStart start) => _folder.TruncateMetrics(start.CompletedEpochs);

    /// <inheritdoc />
    public void OnEpoch(EpochReport report)
    {
        _folder.AppendMetrics(report.Metrics, report.ClassNames);
        if (report.Metrics.Test.Evaluated)
        {
            _folder.WriteReliability(report.Metrics.Test.Reliability);
        }
    }
}
