using System;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace MixupSharp.Training.Data;

/// <summary>Progress of one download.</summary>
/// <param name="FileName">The file being downloaded.</param>
/// <param name="BytesReceived">Bytes received so far.</param>
/// <param name="TotalBytes">The announced size, or null.</param>
/// <param name="Elapsed">Time since the transfer started.</param>
public readonly record struct DownloadProgress(string FileName, long BytesReceived, long? TotalBytes, TimeSpan Elapsed);

/// <summary>A download or extraction failed; nothing was left in place.</summary>
public sealed class DatasetDownloadException : IOException
{
    /// <summary>Creates the exception.</summary>
    public DatasetDownloadException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>
/// Opt-in downloads from each dataset's official address: streamed to a temporary file with progress, verified against
/// the published checksum (MD5 or SHA-256), moved into place atomically, and .tar.gz archives extracted safely (no entry
/// may land outside the target folder; links and special files are refused). On any failure nothing is left behind.
/// </summary>
public sealed class DatasetDownloader
{
    private readonly HttpClient _client;
    private readonly IProgress<DownloadProgress>? _progress;

    /// <summary>Creates a downloader.</summary>
    /// <param name="client">The HTTP client (one with a sensible timeout is created when null).</param>
    /// <param name="progress">Receives progress reports (the CLI shows them as a progress bar).</param>
    public DatasetDownloader(HttpClient? client = null, IProgress<DownloadProgress>? progress = null)
    {
        _client = client ?? new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
        _progress = progress;
    }

    /// <summary>Downloads every file of <paramref name="kind"/> into <paramref name="targetDirectory"/> (archives extracted).</summary>
    public async Task DownloadAsync(DatasetKind kind, string targetDirectory, CancellationToken cancellationToken = default)
    {
        // A failed download leaves nothing behind: not even the folder, when this call created it and it is still empty.
        bool created = !Directory.Exists(targetDirectory);
        try
        {
            foreach (var file in DatasetCatalog.Files(kind))
            {
                await DownloadFileAsync(file, targetDirectory, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            if (created && Directory.Exists(targetDirectory) && !Directory.EnumerateFileSystemEntries(targetDirectory).Any())
            {
                Directory.Delete(targetDirectory);
            }

            throw;
        }
    }

    /// <summary>Downloads, verifies and places one file (extracting it when it is an archive).</summary>
    /// <returns>The path of the placed file, or of the target folder for an extracted archive.</returns>
    /// <exception cref="DatasetDownloadException">The transfer failed or was truncated, the checksum differs, or the archive is unsafe.</exception>
    public async Task<string> DownloadFileAsync(DatasetFile file, string targetDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        Runs.Folders.Create("the data folder", targetDirectory);
        string final = Path.Combine(targetDirectory, file.FileName);
        string partial = final + $".{Guid.NewGuid():N}.partial";
        try
        {
            await TransferAsync(file, partial, cancellationToken).ConfigureAwait(false);
            if (file.IsArchive)
            {
                ExtractSafely(partial, targetDirectory, file.FileName);
                File.Delete(partial);
                return targetDirectory;
            }

            File.Move(partial, final, overwrite: true);
            return final;
        }
        catch (Exception e) when (e is not DatasetDownloadException && e is not OperationCanceledException)
        {
            throw new DatasetDownloadException($"downloading {file.Url} failed: {e.Message}", e);
        }
        finally
        {
            if (File.Exists(partial))
            {
                File.Delete(partial);
            }
        }
    }

    private async Task TransferAsync(DatasetFile file, string partial, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var response = await _client.GetAsync(file.Url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new DatasetDownloadException($"{file.Url} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        long? total = response.Content.Headers.ContentLength;
        using var md5 = MD5.Create();
        using var sha = SHA256.Create();
        long received = 0;
        await using (var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
        await using (var target = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            var buffer = new byte[1 << 16];
            int read;
            long lastReport = 0;
            try
            {
                while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    md5.TransformBlock(buffer, 0, read, null, 0);
                    sha.TransformBlock(buffer, 0, read, null, 0);
                    received += read;
                    if (received - lastReport >= 1 << 20)
                    {
                        lastReport = received;
                        _progress?.Report(new DownloadProgress(file.FileName, received, total, clock.Elapsed));
                    }
                }
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw new DatasetDownloadException($"the transfer of {file.Url} broke off after {received} of {(total?.ToString() ?? "?")} bytes: {e.Message}", e);
            }

            await target.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        _progress?.Report(new DownloadProgress(file.FileName, received, total, clock.Elapsed));
        if (total is { } expected && received != expected)
        {
            throw new DatasetDownloadException($"the transfer of {file.Url} is truncated: {received} of {expected} bytes arrived.");
        }

        md5.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
        sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
        Verify(file, "MD5", file.Md5, md5.Hash!);
        Verify(file, "SHA-256", file.Sha256, sha.Hash!);
    }

    private static void Verify(DatasetFile file, string algorithm, string? expected, byte[] actual)
    {
        if (expected is null)
        {
            return;
        }

        string hex = Convert.ToHexString(actual).ToLowerInvariant();
        if (!hex.Equals(expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new DatasetDownloadException($"{file.FileName} from {file.Url} fails its {algorithm} check: expected {expected.ToLowerInvariant()}, got {hex}. The file was discarded.");
        }
    }

    /// <summary>Extracts a .tar.gz into a staging folder inside <paramref name="targetDirectory"/>, then moves its top-level entries into place.</summary>
    internal static void ExtractSafely(string archive, string targetDirectory, string archiveName)
    {
        string staging = Path.Combine(targetDirectory, $".extract-{Guid.NewGuid():N}");
        string stagingRoot = Path.GetFullPath(staging) + Path.DirectorySeparatorChar;
        Directory.CreateDirectory(staging);
        try
        {
            using (var file = File.OpenRead(archive))
            using (var gzip = new GZipStream(file, CompressionMode.Decompress))
            using (var tar = new TarReader(gzip))
            {
                TarEntry? entry;
                while ((entry = tar.GetNextEntry()) is not null)
                {
                    string destination = Path.GetFullPath(Path.Combine(staging, entry.Name));
                    if (!destination.StartsWith(stagingRoot, StringComparison.Ordinal) || Path.IsPathRooted(entry.Name))
                    {
                        throw new DatasetDownloadException($"{archiveName}: refused: entry '{entry.Name}' would land outside the target folder.");
                    }

                    switch (entry.EntryType)
                    {
                        case TarEntryType.Directory:
                            Directory.CreateDirectory(destination);
                            break;
                        case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                            entry.ExtractToFile(destination, overwrite: false);
                            break;
                        case TarEntryType.SymbolicLink or TarEntryType.HardLink:
                            throw new DatasetDownloadException($"{archiveName}: refused: entry '{entry.Name}' is a link.");
                        case TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes:
                            break;
                        default:
                            throw new DatasetDownloadException($"{archiveName}: refused: entry '{entry.Name}' is a {entry.EntryType}, not a file or folder.");
                    }
                }
            }

            foreach (var item in Directory.EnumerateFileSystemEntries(staging))
            {
                string target = Path.Combine(targetDirectory, Path.GetFileName(item));
                if (Directory.Exists(target))
                {
                    Directory.Delete(target, recursive: true);
                }
                else if (File.Exists(target))
                {
                    File.Delete(target);
                }

                if (Directory.Exists(item))
                {
                    Directory.Move(item, target);
                }
                else
                {
                    File.Move(item, target);
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new DatasetDownloadException($"{archiveName}: the archive is corrupt: {e.Message}", e);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }
}
