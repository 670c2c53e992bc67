using System;
using System.IO;
using MixupSharp.Training.Data;

namespace MixupSharp.Cli;

/// <summary>
/// Shows download progress: a redrawn bar on a terminal, plain periodic lines otherwise (CI logs, files).
/// </summary>
public sealed class ConsoleProgressBar : IProgress<DownloadProgress>
{
    private readonly TextWriter _writer;
    private readonly bool _interactive;
    private DateTime _lastLine = DateTime.MinValue;

    /// <summary>Creates a progress display on <paramref name="writer"/> (standard error by default).</summary>
    public ConsoleProgressBar(TextWriter? writer = null, bool? interactive = null)
    {
        _writer = writer ?? Console.Error;
        _interactive = interactive ?? (!Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") is null);
    }

    /// <inheritdoc />
    public void Report(DownloadProgress value)
    {
        double mb = value.BytesReceived / 1048576.0;
        double rate = mb / Math.Max(value.Elapsed.TotalSeconds, 1e-3);
        string size = value.TotalBytes is { } t ? $"{mb:F1}/{t / 1048576.0:F1} MB" : $"{mb:F1} MB";
        if (_interactive)
        {
            double fraction = value.TotalBytes is { } total && total > 0 ? Math.Min(1, (double)value.BytesReceived / total) : 0;
            int filled = (int)(fraction * 30);
            _writer.Write($"\r{value.FileName} [{new string('#', filled)}{new string('-', 30 - filled)}] {fraction,4:P0} {size} {rate:F1} MB/s ");
            if (value.TotalBytes == value.BytesReceived)
            {
                _writer.WriteLine();
            }
        }
        else if (DateTime.UtcNow - _lastLine > TimeSpan.FromSeconds(5) || value.TotalBytes == value.BytesReceived)
        {
            _lastLine = DateTime.UtcNow;
            _writer.WriteLine($"{value.FileName}: {size} ({rate:F1} MB/s)");
        }
    }
}
