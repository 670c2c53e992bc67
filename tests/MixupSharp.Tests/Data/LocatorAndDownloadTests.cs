using System;
using System.Formats.Tar;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using MixupSharp.Training.Data;
using MixupSharp.Tests.Support;
using Xunit;

namespace MixupSharp.Tests.Data;

/// <summary>Finding data, and the download path tested against a loopback HTTP server this test starts.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class LocatorAndDownloadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-dl-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AnExplicitFolderIsUsedOrTheLoadFailsNamingItAndWhatItLacks()
    {
        // Reliability item 1: --data-dir D without train-labels-idx1-ubyte.gz trained on /usr/share/datasets instead.
        string dir = Path.Combine(_dir, "partial");
        DataFiles.WriteIdx(dir, 4, 2, gzip: true);
        File.Delete(Path.Combine(dir, "train-labels-idx1-ubyte.gz"));
        var e = Assert.Throws<DirectoryNotFoundException>(() => DataLocator.Load(DatasetKind.FashionMnist, train: true, dir));
        Assert.Contains(dir, e.Message);
        Assert.Contains("lacks train-labels-idx1-ubyte.gz", e.Message);
        Directory.CreateDirectory(Path.Combine(dir, "train-labels-idx1-ubyte.gz"));   // a folder in the file's place
        Assert.Contains("lacks train-labels-idx1-ubyte.gz", Assert.Throws<DirectoryNotFoundException>(() => DataLocator.Find(DatasetKind.FashionMnist, dir)).Message);
        string file = Path.Combine(_dir, "a-file");
        File.WriteAllText(file, "x");
        Assert.Contains("is a file", Assert.Throws<DirectoryNotFoundException>(() => DataLocator.Find(DatasetKind.FashionMnist, file)).Message);
    }

    [Fact]
    public void ExplicitFolderWinsThenTheEnvironmentVariableAndTheErrorListsEveryPlace()
    {
        string explicitDir = Path.Combine(_dir, "explicit");
        string envDir = Path.Combine(_dir, "env");
        DataFiles.WriteIdx(Path.Combine(envDir, "fashion-mnist"), 2, 2, gzip: true);
        string? old = Environment.GetEnvironmentVariable(DataLocator.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(DataLocator.EnvironmentVariable, envDir);
            Assert.Equal(Path.Combine(envDir, "fashion-mnist"), DataLocator.Find(DatasetKind.FashionMnist));
            DataFiles.WriteIdx(explicitDir, 2, 2, gzip: false);
            Assert.Equal(explicitDir, DataLocator.Find(DatasetKind.FashionMnist, explicitDir));

            // An explicit folder that lacks the dataset is an error naming it, never a fall back to the environment's.
            Assert.Contains("does not exist", Assert.Throws<DirectoryNotFoundException>(() => DataLocator.Find(DatasetKind.FashionMnist, Path.Combine(_dir, "none"))).Message);
            var e = Assert.Throws<DirectoryNotFoundException>(() => DataLocator.Find(DatasetKind.Cifar10));
            foreach (var place in DataLocator.Candidates(DatasetKind.Cifar10))
            {
                Assert.Contains(place, e.Message);
            }

            Assert.Contains("DatasetDownloader", e.Message);

            // Without the environment variable or a folder, Fashion-MNIST comes from Debian's package folder when it is
            // installed, and otherwise the error says how to install it.
            Environment.SetEnvironmentVariable(DataLocator.EnvironmentVariable, null);
            const string system = "/usr/share/datasets/fashion-mnist";
            if (DataLocator.Holds(DatasetKind.FashionMnist, system) && !DataLocator.Holds(DatasetKind.FashionMnist, Path.Combine(DataLocator.UserCacheRoot(), "fashion-mnist")))
            {
                Assert.Equal(system, DataLocator.Find(DatasetKind.FashionMnist));
            }
            else if (!DataLocator.Holds(DatasetKind.FashionMnist, system))
            {
                Assert.Contains("apt-get install dataset-fashion-mnist", Assert.Throws<DirectoryNotFoundException>(() => DataLocator.Find(DatasetKind.FashionMnist)).Message);
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(DataLocator.EnvironmentVariable, old);
        }
    }

    private sealed class LoopbackServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Func<HttpListenerContext, Task> _handler;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public LoopbackServer(Func<HttpListenerContext, Task> handler)
        {
            _handler = handler;
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Prefix = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Add(Prefix);
            _listener.Start();
            _loop = Task.Run(async () =>
            {
                for (int served = 0; served < 20 && !_stop.IsCancellationRequested; served++)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception)
                    {
                        return;
                    }

                    await _handler(context);
                }
            });
        }

        public string Prefix { get; }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _listener.Close();
            try
            {
                _loop.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }
        }
    }

    private static Func<HttpListenerContext, Task> Serve(byte[] body, long? announce = null) => async context =>
    {
        context.Response.ContentLength64 = announce ?? body.Length;
        try
        {
            await context.Response.OutputStream.WriteAsync(body);
            if (announce is not null)
            {
                context.Response.Abort();   // fewer bytes than announced: a broken transfer
                return;
            }

            context.Response.Close();
        }
        catch (Exception)
        {
        }
    };

    private static string Md5(byte[] data) => Convert.ToHexString(MD5.HashData(data)).ToLowerInvariant();

    private static byte[] TarGz(params (string Name, byte[]? Data, TarEntryType Type)[] entries)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var (name, data, type) in entries)
            {
                var entry = new PaxTarEntry(type, name);
                if (type == TarEntryType.SymbolicLink)
                {
                    entry.LinkName = "/etc/passwd";
                }

                if (data is not null)
                {
                    entry.DataStream = new MemoryStream(data);
                }

                tar.WriteEntry(entry);
            }
        }

        return memory.ToArray();
    }

    [Fact]
    public async Task AGoodFileIsVerifiedAndPlacedWithProgress()
    {
        byte[] body = Enumerable.Range(0, 3_000_000).Select(i => (byte)(i * 13)).ToArray();
        using var server = new LoopbackServer(Serve(body));
        var reports = new System.Collections.Generic.List<DownloadProgress>();
        var downloader = new DatasetDownloader(progress: new Progress(reports));
        string path = await downloader.DownloadFileAsync(new DatasetFile("blob.bin", new Uri(server.Prefix + "blob.bin"), Md5(body), null, false), _dir);
        Assert.Equal(body, File.ReadAllBytes(path));
        Assert.Contains(reports, r => r.BytesReceived == body.Length && r.TotalBytes == body.Length);
        Assert.True(reports.Count >= 2);
        Assert.Equal(new[] { "blob.bin" }, Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    private sealed class Progress : IProgress<DownloadProgress>
    {
        private readonly System.Collections.Generic.List<DownloadProgress> _list;

        public Progress(System.Collections.Generic.List<DownloadProgress> list) => _list = list;

        public void Report(DownloadProgress value)
        {
            lock (_list)
            {
                _list.Add(value);
            }
        }
    }

    [Fact]
    public async Task AChecksumMismatchIsAnErrorAndLeavesNothing()
    {
        byte[] body = new byte[10_000];
        using var server = new LoopbackServer(Serve(body));
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => new DatasetDownloader().DownloadFileAsync(
            new DatasetFile("x.gz", new Uri(server.Prefix + "x.gz"), "00000000000000000000000000000000", null, false), _dir));
        Assert.Contains("MD5 check", e.Message);
        Assert.Contains(Md5(body), e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public async Task ATruncatedTransferIsAnErrorAndLeavesNothing()
    {
        byte[] body = new byte[100_000];
        using var server = new LoopbackServer(Serve(body.Take(30_000).ToArray(), announce: body.Length));
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => new DatasetDownloader().DownloadFileAsync(
            new DatasetFile("x.bin", new Uri(server.Prefix + "x.bin"), Md5(body), null, false), _dir));
        Assert.Contains("x.bin", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public async Task AnArchiveIsExtractedSafelyIntoPlace()
    {
        byte[] archive = TarGz(("cifar-10-batches-bin/", null, TarEntryType.Directory), ("cifar-10-batches-bin/batches.meta.txt", "a\nb\n"u8.ToArray(), TarEntryType.RegularFile));
        using var server = new LoopbackServer(Serve(archive));
        await new DatasetDownloader().DownloadFileAsync(new DatasetFile("c.tar.gz", new Uri(server.Prefix + "c.tar.gz"), Md5(archive), null, true), _dir);
        Assert.Equal("a\nb\n", File.ReadAllText(Path.Combine(_dir, "cifar-10-batches-bin", "batches.meta.txt")));
        Assert.Equal(new[] { "cifar-10-batches-bin" }, Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("../escape.txt", "outside the target folder")]
    [InlineData("data/../../escape.txt", "outside the target folder")]
    [InlineData("link", "is a link")]
    public async Task UnsafeArchivesAreRefusedAndLeaveNothing(string entry, string message)
    {
        var type = entry == "link" ? TarEntryType.SymbolicLink : TarEntryType.RegularFile;
        byte[] archive = TarGz(("ok.txt", "fine"u8.ToArray(), TarEntryType.RegularFile), (entry, type == TarEntryType.RegularFile ? "evil"u8.ToArray() : null, type));
        string target = Path.Combine(_dir, "target");
        using var server = new LoopbackServer(Serve(archive));
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => new DatasetDownloader().DownloadFileAsync(
            new DatasetFile("bad.tar.gz", new Uri(server.Prefix + "bad.tar.gz"), Md5(archive), null, true), target));
        Assert.Contains(message, e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(target));
        Assert.False(File.Exists(Path.Combine(_dir, "escape.txt")));
    }

    [Fact]
    public async Task AnHttpErrorIsReported()
    {
        using var server = new LoopbackServer(context =>
        {
            context.Response.StatusCode = 404;
            context.Response.Close();
            return Task.CompletedTask;
        });
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => new DatasetDownloader().DownloadFileAsync(
            new DatasetFile("x", new Uri(server.Prefix + "x"), null, null, false), _dir));
        Assert.Contains("404", e.Message);
    }

    [Fact]
    public void TheCatalogHasEveryDatasetsOfficialFilesAndChecksums()
    {
        Assert.Equal(4, DatasetCatalog.Files(DatasetKind.FashionMnist).Count);
        Assert.All(Enum.GetValues<DatasetKind>().SelectMany(DatasetCatalog.Files), f => Assert.Matches("^[0-9a-f]{32}$", f.Md5));
        Assert.Equal("c32a1d4ab5d03f1284b67883e8d87530", DatasetCatalog.Files(DatasetKind.Cifar10).Single().Md5);
        Assert.Equal(DatasetKind.Cifar100, DatasetCatalog.Parse("CIFAR100"));
        Assert.Contains("fashion-mnist", Assert.Throws<ArgumentException>(() => DatasetCatalog.Parse("imagenet")).Message);
    }
}
