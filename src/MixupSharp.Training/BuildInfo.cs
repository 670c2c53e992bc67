using System.Linq;
using System.Reflection;

namespace MixupSharp.Training;

/// <summary>
/// What this build is: the one version of every MixupSharp assembly (Directory.Build.props) and the git commit it was
/// built from (the SDK appends it to the informational version, "0.2.0+&lt;sha&gt;"). Runs record both in config.json.
/// </summary>
public static class BuildInfo
{
    private static readonly string Informational =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The version, e.g. <c>0.2.0</c>.</summary>
    public static string Version => Informational.Split('+')[0];

    /// <summary>The commit the build came from (12 hex digits), or <c>unknown</c> for a build outside a git checkout.</summary>
    public static string Commit => Informational.Split('+').ElementAtOrDefault(1) is { Length: >= 12 } sha ? sha[..12] : "unknown";
}
