using System;
using System.IO;

namespace MixupSharp.Training.Grids;

/// <summary>How one process shares a grid with others: its shard and how run folders are locked.</summary>
/// <param name="Shard">This process's runs.</param>
/// <param name="LockTimeout">A lock not refreshed for this long is stale (the holder refreshes it every minute).</param>
/// <param name="StealStaleLocks">Take over stale locks (as a requeued task after a hard kill must).</param>
public sealed record GridSharing(GridShard Shard, TimeSpan LockTimeout, bool StealStaleLocks)
{
    /// <summary>One process, the whole grid, 10-minute lock timeout, stale locks refused.</summary>
    public static readonly GridSharing Alone = new(GridShard.All, TimeSpan.FromMinutes(10), false);

    /// <summary>
    /// The lock of run folder <paramref name="runDir"/>, or null when this process takes free runs
    /// (<see cref="GridShard.Free"/>) and a live process holds it. Otherwise a held lock is an error, as
    /// <see cref="RunLock.Claim"/> says.
    /// </summary>
    public RunLock? Claim(string runDir, Action<string> log)
    {
        bool heldByAnother() => Shard.TakesFreeRuns && RunLock.IsHeld(runDir, LockTimeout);
        if (Shard.TakesFreeRuns && !StealStaleLocks && File.Exists(RunLock.PathOf(runDir)) && !RunLock.IsHeld(runDir, LockTimeout))
        {
            // A process sharing free runs goes on with the rest of the grid rather than stopping at a dead one's lock.
            if (!RunLock.IsDeadHere(runDir))
            {
                log($"{runDir}: skipped; its lock is stale (held by a process of another host, not refreshed for {LockTimeout.TotalMinutes:G3} minutes): --steal-stale-locks takes it over");
                return null;
            }

            log($"{runDir}: taking over the lock of a process that no longer exists on this host");
            File.Delete(RunLock.PathOf(runDir));
        }

        try
        {
            return heldByAnother() ? null : RunLock.Claim(runDir, LockTimeout, StealStaleLocks, log);
        }
        catch (IOException) when (heldByAnother())
        {
            return null;   // claimed by another process between the check and the claim
        }
    }
}
