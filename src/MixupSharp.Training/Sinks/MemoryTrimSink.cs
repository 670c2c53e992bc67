using System;
using System.Runtime.InteropServices;

namespace MixupSharp.Training.Sinks;

/// <summary>
/// At each epoch end (after the checkpoint): collects managed garbage (finalizing any tensor handle that escaped a
/// scope) and asks glibc to hand freed heap pages back to the OS, so resident memory follows what is live rather than
/// what the allocator keeps cached after evaluation's large temporaries. Costs milliseconds once per epoch.
/// </summary>
public sealed class MemoryTrimSink : ITrainingSink
{
    /// <inheritdoc />
    public void OnEpochSaved(EpochReport report)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        if (OperatingSystem.IsLinux())
        {
            try
            {
                _ = MallocTrim(UIntPtr.Zero);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // Not glibc (e.g. musl): nothing to trim.
            }
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(UIntPtr pad);
}
