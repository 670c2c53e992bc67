using Xunit;

namespace MixupSharp.Tests.Support;

/// <summary>The CLI's error convention, asserted: the exit code, one line starting "error: " that says what is wrong, no stack trace.</summary>
public static class CliAssert
{
    /// <summary>Asserts that <paramref name="result"/> failed with <paramref name="code"/> and one error line containing <paramref name="expected"/>.</summary>
    public static void OneLineError((int Code, string Out, string Err) result, int code, string expected)
    {
        Assert.True(result.Code == code, $"exit {result.Code}, expected {code}: {result.Err}{result.Out}");
        Assert.StartsWith("error: ", result.Err);
        Assert.Contains(expected, result.Err);
        Assert.Single(result.Err.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", result.Err);
    }

    /// <summary>A usage error: exit code 2.</summary>
    public static void UsageError((int Code, string Out, string Err) result, string expected) => OneLineError(result, 2, expected);
}
