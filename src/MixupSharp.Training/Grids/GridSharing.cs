using System;

namespace MixupSharp.Training.Grids;

/// <summary>How one process shares a grid with others: its shard and how run folders are locked.</summary>
/// <param name="Shard">This process's runs.</param>
/// <param name="LockTimeout">A lock not refreshed for this long is stale (the holder refreshes it every minute).</param>
/// <param name="StealStaleLocks">Take over stale locks (as a requeued task after a hard kill must).</param>
public sealed record GridSharing(GridShard Shard, TimeSpan LockTimeout, bool StealStaleLocks)
{
    /// <summary>One process, the whole grid, 10-minute lock timeout, stale locks refused.</summary>
    public static readonly GridSharing Alone = new(GridShard.All, TimeSpan.FromMinutes(10), false);
}
