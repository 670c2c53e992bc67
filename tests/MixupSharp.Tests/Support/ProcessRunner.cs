using System;
using System.Collections;
using System.Diagnostics;
using System.Text;

namespace MixupSharp.Tests.Support;

/// <summary>Runs child processes: to completion with a time limit, or started and watched line by line.</summary>
public static class ProcessRunner
{
    public static (int ExitCode, string Output) Run(string fileName, string arguments, string workingDirectory, TimeSpan timeout)
    {
        using var child = Start(new ProcessStartInfo(fileName, arguments) { WorkingDirectory = workingDirectory });
        if (!child.Process.WaitForExit(timeout))
        {
            child.Process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {arguments} did not finish within {timeout}. Output so far:\n{child.Output}");
        }

        child.Process.WaitForExit();
        return (child.Process.ExitCode, child.Output);
    }

    /// <summary>
    /// Starts <paramref name="start"/> with its standard output and error collected into <see cref="ChildProcess.Output"/>
    /// (each line also goes to <paramref name="onLine"/>), without the test host's MSBuild/VSTest variables.
    /// </summary>
    public static ChildProcess Start(ProcessStartInfo start, Action<string>? onLine = null)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;

        // The test host runs under MSBuild/VSTest variables that would steer a child `dotnet` build.
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            string key = (string)variable.Key;
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(key);
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        return new ChildProcess(start, onLine);
    }

    /// <summary>A started child process and everything it has printed so far.</summary>
    public sealed class ChildProcess : IDisposable
    {
        private readonly StringBuilder _output = new();

        internal ChildProcess(ProcessStartInfo start, Action<string>? onLine)
        {
            Process = new Process { StartInfo = start };
            void Collect(object sender, DataReceivedEventArgs e)
            {
                if (e.Data is null)
                {
                    return;
                }

                lock (_output)
                {
                    _output.AppendLine(e.Data);
                }

                onLine?.Invoke(e.Data);
            }

            Process.OutputDataReceived += Collect;
            Process.ErrorDataReceived += Collect;
            Process.Start();
            Process.BeginOutputReadLine();
            Process.BeginErrorReadLine();
        }

        public Process Process { get; }

        /// <summary>Standard output and error so far, interleaved as they arrived.</summary>
        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        /// <summary>Kills the process (and its children) if it is still running.</summary>
        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
            }

            Process.Dispose();
        }
    }
}
