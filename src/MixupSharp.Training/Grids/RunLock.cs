using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading;

namespace MixupSharp.Training.Grids;

/// <summary>
/// A claim on one run folder of a grid shared by several processes (shards on a shared file system): the file
/// <c>.lock</c>, created atomically and holding host, pid and time, refreshed every minute while the run trains. A lock
/// not refreshed for the timeout, or held by a dead process on this host, is stale.
/// </summary>
public sealed class RunLock : IDisposable
{
    private readonly string _path;
    private readonly Timer _refresh;

    private RunLock(string path)
    {
        _path = path;
        _refresh = new Timer(_ => Touch(), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    }

    /// <summary>What a lock file holds.</summary>
    /// <param name="Host">The machine.</param>
    /// <param name="Pid">The process.</param>
    /// <param name="Time">When it was claimed (UTC, ISO 8601).</param>
    public sealed record Holder(string Host, int Pid, string Time);

    /// <summary>The lock file of a run folder.</summary>
    public static string PathOf(string runDir) => Path.Combine(runDir, ".lock");

    /// <summary>
    /// Claims <paramref name="runDir"/>. A live lock of another process is an <see cref="IOException"/> naming its holder;
    /// a stale one is taken over (and reported through <paramref name="log"/>) with <paramref name="stealStale"/>, and
    /// otherwise an <see cref="IOException"/> saying how to take it over.
    /// </summary>
    public static RunLock Claim(string runDir, TimeSpan timeout, bool stealStale, Action<string> log)
    {
        Directory.CreateDirectory(runDir);
        string path = PathOf(runDir);
        for (int attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    JsonSerializer.Serialize(file, new Holder(Environment.MachineName, Environment.ProcessId, DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture)));
                }

                return new RunLock(path);
            }
            catch (IOException) when (File.Exists(path))
            {
                var holder = Read(path);
                string who = holder is null ? "an unreadable lock" : $"{holder.Host} pid {holder.Pid} since {holder.Time}";
                if (!IsStale(path, holder, timeout))
                {
                    throw new IOException($"{runDir} is being trained by {who} ({path}); another process of this grid holds it.");
                }

                if (!stealStale)
                {
                    throw new IOException($"{runDir} holds a stale lock of {who} ({path}, not refreshed for {timeout.TotalMinutes:G3} minutes or its process is gone); pass --steal-stale-locks to take it over.");
                }

                log($"{runDir}: taking over the stale lock of {who}");
                File.Delete(path);
            }
        }

        throw new IOException($"{runDir}: could not claim {path}; another process keeps claiming it.");
    }

    /// <summary>
    /// The lock <c>train</c> takes on its run folder for as long as it trains there (a grid's claim counts as it instead).
    /// A lock of a live process is an <see cref="IOException"/> naming the holder; one whose process is gone from this
    /// host is taken over and said so; one of another host not refreshed for 10 minutes is an error saying how to clear it.
    /// </summary>
    public static RunLock ClaimForTraining(string runDir, Action<string> log)
    {
        string path = PathOf(runDir);
        var holder = Read(path);
        if (holder is not null && HolderGoneHere(holder))
        {
            log($"{runDir}: taking over the lock of {holder.Host} pid {holder.Pid}, a process that no longer exists");
            File.Delete(path);
        }

        try
        {
            return Claim(runDir, TimeSpan.FromMinutes(10), stealStale: false, log);
        }
        catch (IOException) when (Read(path) is { } live && !IsStale(path, live, TimeSpan.FromMinutes(10)))
        {
            throw new IOException($"{runDir} is being trained by {live.Host} pid {live.Pid} since {live.Time} ({path}); wait for it to finish, or stop it first.");
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new IOException($"{runDir} holds a stale lock ({path}) of a process on another host that has not refreshed it for 10 minutes; if that process is gone, delete {path} and run again.");
        }
    }

    /// <summary>Whether the lock of <paramref name="runDir"/> was taken on this host by a process that no longer exists.</summary>
    public static bool IsDeadHere(string runDir) => Read(PathOf(runDir)) is { } holder && HolderGoneHere(holder);

    /// <summary>The holder of a run's lock, or null when there is none (or it cannot be read).</summary>
    public static Holder? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<Holder>(File.ReadAllText(path)) : null;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null;
        }
    }

    /// <summary>Whether a run's lock is held by a live process (not stale).</summary>
    public static bool IsHeld(string runDir, TimeSpan timeout)
    {
        string path = PathOf(runDir);
        return File.Exists(path) && !IsStale(path, Read(path), timeout);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _refresh.Dispose();
        if (File.Exists(_path))
        {
            File.Delete(_path);
        }
    }

    private static bool IsStale(string path, Holder? holder, TimeSpan timeout)
    {
        if (DateTime.UtcNow - File.GetLastWriteTimeUtc(path) > timeout)
        {
            return true;
        }

        return holder is not null && HolderGoneHere(holder);
    }

    private static bool HolderGoneHere(Holder holder)
    {
        if (holder.Host != Environment.MachineName)
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(holder.Pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;   // no such process here
        }
    }

    private void Touch()
    {
        try
        {
            File.SetLastWriteTimeUtc(_path, DateTime.UtcNow);
        }
        catch (IOException)
        {
            // The next refresh tries again; a lock that stays unrefreshed goes stale, as it should.
        }
    }
}
