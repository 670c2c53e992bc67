using System.IO;

namespace MixupSharp.Tests.Support;

/// <summary>Runs the <c>mixup</c> command line in-process and captures what it prints.</summary>
public static class CliRunner
{
    /// <summary>The exit code, standard output and standard error of <c>mixup <paramref name="args"/></c>.</summary>
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = MixupSharp.Cli.Cli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
