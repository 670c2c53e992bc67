using MixupSharp.Training.Reports;

namespace MixupSharp.Training.Sinks;

/// <summary>Writes each epoch's scalars to a TensorBoard event file in the run folder, one file per sitting.</summary>
public sealed class TensorBoardSink : ITrainingSink
{
    private TensorBoardWriter? _events;

    /// <inheritdoc />
    public void OnStart(TrainingStart start) => _events = new TensorBoardWriter(start.Folder.Path);

    /// <inheritdoc />
    public void OnEpoch(EpochReport report)
    {
        if (_events is null)
        {
            return;
        }

        var m = report.Metrics;
        _events.AddScalar("train/loss", m.TrainLoss, m.Epoch);
        _events.AddScalar("train/learning_rate", m.LearningRate, m.Epoch);
        _events.AddScalar("train/images_per_second", m.ImagesPerSecond, m.Epoch);
        _events.AddScalar("test/error", m.Test.Error, m.Epoch);
        _events.AddScalar("test/nll", m.Test.Nll, m.Epoch);
        _events.AddScalar("test/ece", m.Test.Ece, m.Epoch);
        if (m.MemorizedFraction is { } fraction)
        {
            _events.AddScalar("train/memorized_flipped_fraction", fraction, m.Epoch);
        }

        _events.Flush();
    }

    /// <inheritdoc />
    public void Dispose() => _events?.Dispose();
}
