using System.IO;
using System.Linq;

namespace MixupSharp.Tests.Support;

/// <summary>
/// Copies of the repository's sources for tests that pack or publish (so the repository's own bin and obj folders are
/// never touched), and the local package feed a consumer project restores from.
/// </summary>
public static class SourceCopy
{
    /// <summary>Copies <paramref name="files"/> and the projects under src/ named <paramref name="projects"/> (without bin/ and obj/) into <paramref name="destination"/>.</summary>
    public static void Copy(string destination, string[] files, params string[] projects)
    {
        string root = RepoPaths.RepoRoot;
        foreach (var file in files)
        {
            CopyFile(Path.Combine(root, file), Path.Combine(destination, file));
        }

        foreach (string project in projects)
        {
            string folder = Path.Combine(root, "src", project);
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")))
            {
                CopyFile(file, Path.Combine(destination, "src", project, Path.GetRelativePath(folder, file)));
            }
        }
    }

    /// <summary>Writes a nuget.config into <paramref name="project"/> that adds <paramref name="feed"/> as a package source.</summary>
    public static void WriteFeedConfig(string project, string feed)
    {
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="mixupsharp-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
    }

    private static void CopyFile(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to);
    }
}
