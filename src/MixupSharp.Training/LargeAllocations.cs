using System;
using System.Runtime.InteropServices;

namespace MixupSharp.Training;

/// <summary>
/// Lets glibc reuse the memory of freed large tensors instead of returning it to the system. A batch of 64 RGB images at
/// 224 px is 38.5 MB of floats, above glibc's largest mmap threshold (32 MB), so by default every such tensor is
/// mapped fresh, its pages faulted in on first touch and unmapped when it is freed: measured here, that is two thirds
/// of the time of a batch's flip, normalization and conversion to floats (docs/BENCHMARKS.md). Turning glibc's mmap path
/// off and its trimming down keeps freed blocks in the heap for the next batch. Process-wide; the CLI enables it at
/// start (<c>MIXUPSHARP_MALLOC_TUNING=off</c> leaves glibc as it is); a library user calls <see cref="Reuse"/> once.
/// The process's peak resident memory is unchanged in kind (the heap holds what the largest step needed).
/// </summary>
public static class LargeAllocations
{
    private const int TrimThreshold = -1;   // glibc's M_TRIM_THRESHOLD
    private const int MmapMax = -4;         // glibc's M_MMAP_MAX

    /// <summary>The environment variable that, set to <c>off</c>, keeps the CLI from calling <see cref="Reuse"/>.</summary>
    public const string EnvironmentVariable = "MIXUPSHARP_MALLOC_TUNING";

    /// <summary>
    /// Tells glibc's malloc to serve large blocks from its heap and keep freed memory (mallopt M_MMAP_MAX 0, M_TRIM_THRESHOLD
    /// 1 GiB); false where there is no glibc (Windows, macOS, musl), which is left as it is.
    /// </summary>
    public static bool Reuse()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return mallopt(MmapMax, 0) == 1 && mallopt(TrimThreshold, 1 << 30) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);
}
