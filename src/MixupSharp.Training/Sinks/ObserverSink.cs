namespace MixupSharp.Training.Sinks;

/// <summary>Passes steps, epochs and information to an <see cref="ITrainingObserver"/> (the console, a test's recorder).</summary>
public sealed class ObserverSink : ITrainingSink
{
    private readonly ITrainingObserver _observer;

    /// <summary>Creates the sink.</summary>
    public ObserverSink(ITrainingObserver observer) => _observer = observer;

    /// <inheritdoc />
    public void OnStep(StepReport s) => _observer.OnStep(s.Epoch, s.Epochs, s.Step, s.Steps, s.MeanLoss, s.ImagesPerSecond, s.Elapsed);

    /// <inheritdoc />
    public void OnEpochSaved(EpochReport report) => _observer.OnEpoch(report.Metrics, report.Epochs);

    /// <inheritdoc />
    public void OnInfo(string message) => _observer.Info(message);
}
