using System;
using System.IO;
using System.Linq;
using MixupSharp.Cli;
using MixupSharp.Tests.Support;
using Xunit;

namespace MixupSharp.Tests.Build;

/// <summary>
/// The documentation site: docfx (pinned in .config/dotnet-tools.json) builds docs/docfx.json with warnings as errors
/// (a broken link or reference fails it), and the CLI reference in it is the one the option tables write.
/// </summary>
public sealed class DocsSiteTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-docs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TheCliReferenceIsTheOneTheOptionTablesWrite()
    {
        string committed = File.ReadAllText(Path.Combine(RepoPaths.RepoRoot, "docs", "cli.md")).ReplaceLineEndings("\n");
        Assert.True(committed == CliReference.Markdown().ReplaceLineEndings("\n"), "docs/cli.md differs from the option tables: run ./mixup reference > docs/cli.md");
        Assert.Contains("| `--config` | `FILE` |", committed);
        Assert.Contains("### train: optimization", committed);
    }

    [RequiresDocfxFact]
    public void DocfxBuildsTheSiteWithWarningsAsErrorsAndABrowserLoadsItsPagesWithoutConsoleMessages()
    {
        RequiresDocfxFactAttribute.Check();

        // From a copy, so the repository's bin and obj folders stay as they are (docfx loads the projects).
        string src = Path.Combine(_dir, "src");
        SourceCopy.Copy(src, new[] { "Directory.Build.props", "Directory.Build.targets", "LICENSE", "build/MixupSharp.targets", "build/ElfVersionNeedPatcher.cs", ".config/dotnet-tools.json" }, "MixupSharp", "MixupSharp.Training");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.RepoRoot, "docs"), "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(RepoPaths.RepoRoot, file);
            if (!relative.StartsWith(Path.Combine("docs", "site"), StringComparison.Ordinal) && !relative.StartsWith(Path.Combine("docs", "api"), StringComparison.Ordinal) && !relative.StartsWith(Path.Combine("docs", "obj"), StringComparison.Ordinal))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(src, relative))!);
                File.Copy(file, Path.Combine(src, relative));
            }
        }

        var restore = ProcessRunner.Run("dotnet", "restore src/MixupSharp.Training/MixupSharp.Training.csproj", src, TimeSpan.FromMinutes(5));
        Assert.True(restore.ExitCode == 0, restore.Output);
        var tools = ProcessRunner.Run("dotnet", "tool restore", src, TimeSpan.FromMinutes(3));
        Assert.True(tools.ExitCode == 0, tools.Output);
        var build = ProcessRunner.Run("dotnet", "docfx docs/docfx.json --warningsAsErrors", src, TimeSpan.FromMinutes(10));
        Assert.True(build.ExitCode == 0, "docfx failed:\n" + build.Output);
        Assert.Contains("0 warning(s)", build.Output);

        string site = Path.Combine(src, "docs", "site");
        var guides = Directory.GetFiles(Path.Combine(RepoPaths.RepoRoot, "docs", "guides"), "*.md").Select(f => Path.Combine("guides", Path.GetFileNameWithoutExtension(f) + ".html"));
        foreach (var page in new[] { "index.html", "cli.html", "RESULTS.html", "BENCHMARKS.html", "ARCHITECTURE.html", Path.Combine("api", "MixupSharp.Mixing.Mixup.html"), Path.Combine("api", "MixupSharp.Training.Trainer.html") }.Concat(guides))
        {
            Assert.True(File.Exists(Path.Combine(site, page)), $"the site has no {page}");
        }

        Assert.Contains("Beta(", File.ReadAllText(Path.Combine(site, "api", "MixupSharp.Mixing.Mixup.html")));   // the XML docs made it in
        Assert.DoesNotContain("https://cdn", File.ReadAllText(Path.Combine(site, "index.html")));                // nothing fetched from the network

        // Every Markdown table of a guide renders as a table (a table missing its header row renders as a paragraph).
        foreach (var guide in Directory.GetFiles(Path.Combine(RepoPaths.RepoRoot, "docs", "guides"), "*.md"))
        {
            int tables = File.ReadAllLines(guide).Count(l => l.TrimStart().StartsWith("|---", StringComparison.Ordinal));
            string html = File.ReadAllText(Path.Combine(site, "guides", Path.GetFileNameWithoutExtension(guide) + ".html"));
            int rendered = System.Text.RegularExpressions.Regex.Matches(html, "<table").Count;
            Assert.True(tables == rendered, $"{Path.GetFileName(guide)}: {tables} Markdown tables, {rendered} rendered");
        }

        // Every preview a guide shows is in the site (a missing image is also a console message below).
        string cutAndPaste = File.ReadAllText(Path.Combine(site, "guides", "cut-and-paste.html"));
        foreach (var image in System.Text.RegularExpressions.Regex.Matches(cutAndPaste, "src=\"\\.\\./img/([^\"]+)\"").Select(m => m.Groups[1].Value).DefaultIfEmpty("none"))
        {
            Assert.True(File.Exists(Path.Combine(site, "img", image)), $"guides/cut-and-paste.html shows img/{image}, which the site lacks");
        }

        // Debian's chromium, headless, loads four pages from a loopback server: no console message at all (a failed
        // request or a script error is one), and a main article with text; a screenshot of each goes to TestResults/.
        Assert.True(RequiresDocfxFactAttribute.ChromiumIsThere, "/usr/bin/chromium is missing: install Debian's chromium (CI=true requires it)");
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var serve = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3", $"-m http.server {port} --bind 127.0.0.1 --directory {site}");
        using var server = ProcessRunner.Start(serve);
        try
        {
            string shots = Path.Combine(RepoPaths.RepoRoot, "TestResults");
            Directory.CreateDirectory(shots);
            foreach (var (name, page) in new[] { ("index", "index.html"), ("api-mixup", "api/MixupSharp.Mixing.Mixup.html"), ("cli", "cli.html"), ("guide-cut-and-paste", "guides/cut-and-paste.html") })
            {
                string url = $"http://127.0.0.1:{port}/{page}";
                string shot = Path.Combine(shots, $"site-{name}.png");
                var load = Chromium($"--enable-logging=stderr --log-level=0 --window-size=1280,900 --screenshot={shot} {url}");
                var console = load.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).ToList();
                Assert.True(console.Count == 0, $"{page}: console messages:\n{string.Join('\n', console)}");
                Assert.True(File.Exists(shot) && new FileInfo(shot).Length > 10_000, $"{page}: no screenshot");
                string dom = Chromium($"--dump-dom {url}");
                int article = dom.IndexOf("<article", StringComparison.Ordinal);
                Assert.True(article >= 0, $"{page}: no main article in the rendered page");
                string text = System.Text.RegularExpressions.Regex.Replace(dom[article..], "<[^>]+>", " ");
                Assert.True(text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length > 50, $"{page}: the main article is nearly empty");
            }
        }
        finally
        {
            server.Process.Kill(entireProcessTree: true);
        }
    }

    private string Chromium(string arguments)
    {
        var run = ProcessRunner.Run("chromium", $"--headless=new --no-sandbox --disable-gpu --virtual-time-budget=5000 --user-data-dir={Path.Combine(_dir, "chromium")} {arguments}", _dir, TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, run.Output);
        return run.Output;
    }
}

/// <summary>Skips where docfx cannot be restored (no package source) or Debian's chromium is missing; fails instead under <c>CI=true</c>.</summary>
public sealed class RequiresDocfxFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> There = new(() =>
        ProcessRunner.Run("dotnet", "tool restore", RepoPaths.RepoRoot, TimeSpan.FromMinutes(3)).ExitCode == 0);

    public RequiresDocfxFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("CI") != "true" && (!There.Value || !ChromiumIsThere))
        {
            Skip = "needs docfx 2.81.0 from NuGet (dotnet tool restore, .config/dotnet-tools.json) and Debian's chromium (apt-get install chromium); .ci/run has both";
        }
    }

    /// <summary>Whether Debian's chromium is installed.</summary>
    public static bool ChromiumIsThere => File.Exists("/usr/bin/chromium");

    public static void Check() => Assert.True(There.Value, "dotnet tool restore cannot restore docfx (CI=true requires it)");
}
