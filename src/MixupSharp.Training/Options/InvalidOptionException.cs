using System;

namespace MixupSharp.Training.Options;

/// <summary>
/// An option of a run has a value outside its range. <see cref="Option"/> is the option's name as users write it in
/// variants files and (with two dashes) on the command line, e.g. "epochs"; the message starts with it.
/// </summary>
public sealed class InvalidOptionException : ArgumentException
{
    /// <summary>Creates the exception: the message is "<paramref name="option"/> <paramref name="requirement"/>".</summary>
    /// <param name="option">The option's name, e.g. "epochs".</param>
    /// <param name="requirement">What was expected and what came, e.g. "must be ≥ 1; got 0."</param>
    public InvalidOptionException(string option, string requirement)
        : base($"{option} {requirement}")
    {
        Option = option;
        Requirement = requirement;
    }

    /// <summary>The option's name, e.g. "epochs".</summary>
    public string Option { get; }

    /// <summary>What was expected and what came.</summary>
    public string Requirement { get; }
}
