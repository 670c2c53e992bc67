using System;
using System.Globalization;
using System.IO;
using MixupSharp.Training;

namespace MixupSharp.Cli;

/// <summary>
/// Shows training progress: a redrawn progress bar (epoch, step, loss, throughput, time left) on a terminal, and plain
/// periodic lines when the output is not a terminal (CI, files).
/// </summary>
public sealed class ConsoleObserver : ITrainingObserver
{
    private readonly TextWriter _out;
    private readonly bool _interactive;
    private DateTime _lastLine = DateTime.MinValue;

    /// <summary>Creates the observer.</summary>
    public ConsoleObserver(TextWriter? output = null, bool? interactive = null)
    {
        _out = output ?? Console.Out;
        _interactive = interactive ?? (!Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null);
    }

    /// <inheritdoc />
    public void OnStep(int epoch, int epochs, long step, long steps, double loss, double imagesPerSecond, TimeSpan elapsed)
    {
        double fraction = (double)step / Math.Max(1, steps);
        var left = TimeSpan.FromSeconds(elapsed.TotalSeconds / Math.Max(fraction, 1e-9) * (1 - fraction));
        string text = string.Create(CultureInfo.InvariantCulture, $"epoch {epoch + 1}/{epochs} step {step}/{steps} loss {loss:F4} {imagesPerSecond:F0} img/s, epoch time left {left:mm\\:ss}");
        if (_interactive)
        {
            int filled = (int)(fraction * 24);
            _out.Write($"\r[{new string('#', filled)}{new string('-', 24 - filled)}] {text}   ");
        }
        else if (DateTime.UtcNow - _lastLine > TimeSpan.FromSeconds(10) || step == steps)
        {
            _lastLine = DateTime.UtcNow;
            _out.WriteLine(text);
        }
    }

    /// <inheritdoc />
    public void OnEpoch(EpochMetrics m, int epochs)
    {
        if (_interactive)
        {
            _out.WriteLine();
        }

        string memorized = m.MemorizedFraction is { } f ? string.Create(CultureInfo.InvariantCulture, $", memorized {f:P1} of flipped labels") : string.Empty;
        string validation = m.Validation is { } v ? string.Create(CultureInfo.InvariantCulture, $", val error {v.Error:P2}, NLL {v.Nll:F4}, ECE {v.Ece:F4}") : string.Empty;
        string test = m.Test.Evaluated ? string.Create(CultureInfo.InvariantCulture, $", test error {m.Test.Error:P2}, NLL {m.Test.Nll:F4}, ECE {m.Test.Ece:F4}") : string.Empty;
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {m.Epoch}/{epochs}: train loss {m.TrainLoss:F4}{validation}{test}, {m.ImagesPerSecond:F0} img/s, {m.EpochSeconds:F1} s{memorized}"));
    }

    /// <inheritdoc />
    public void Info(string message) => _out.WriteLine(message);
}
