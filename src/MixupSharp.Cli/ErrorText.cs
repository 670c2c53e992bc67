using System;

namespace MixupSharp.Cli;

/// <summary>An exception's message as the one line a user reads: without .NET's parameter and actual-value suffixes.</summary>
public static class ErrorText
{
    /// <summary>
    /// The message of <paramref name="e"/> without " (Parameter 'x')" and "Actual value was y." (which .NET appends to
    /// argument exceptions), with line breaks folded into "; ".
    /// </summary>
    public static string OneLine(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string message = e.Message;
        if (e is ArgumentOutOfRangeException { ActualValue: { } actual })
        {
            message = message.Replace($"Actual value was {actual}.", string.Empty, StringComparison.Ordinal);
        }

        if (e is ArgumentException { ParamName: { } name })
        {
            message = message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal);
        }

        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join("; ", lines).TrimEnd(';', ' ');
    }
}
