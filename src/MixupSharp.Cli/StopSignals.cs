using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace MixupSharp.Cli;

/// <summary>Ctrl-C, SIGTERM and SIGHUP as a request to stop after the current step.</summary>
public static class StopSignals
{
    /// <summary>
    /// Runs <paramref name="work"/> with a token that the first Ctrl-C, SIGTERM or SIGHUP (or <paramref name="stop"/>)
    /// cancels: the current step finishes and a checkpoint is saved, so `kill`, `timeout`, `docker stop`, a batch
    /// scheduler's preemption or a closed terminal stop a run as Ctrl-C does. A second signal ends the process.
    /// </summary>
    public static T Run<T>(TextWriter output, CancellationToken? stop, Func<CancellationToken, T> work)
    {
        using var cancel = new CancellationTokenSource();
        bool Stop(string what)
        {
            if (cancel.IsCancellationRequested)
            {
                return false;
            }

            cancel.Cancel();
            output.WriteLine($"\n{what}: stopping after this step and saving a checkpoint ({what} again to abort)...");
            return true;
        }

        ConsoleCancelEventHandler onCancel = (_, e) => e.Cancel = Stop("Ctrl-C");
        Console.CancelKeyPress += onCancel;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => c.Cancel = Stop("SIGTERM"));
        using var onHangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => c.Cancel = Stop("SIGHUP"));
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token, stop ?? CancellationToken.None);
            return work(linked.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
