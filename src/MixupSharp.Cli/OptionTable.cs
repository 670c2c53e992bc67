using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace MixupSharp.Cli;

/// <summary>A command-line error: printed as one line, exit code 2.</summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates the error.</summary>
    public UsageException(string message)
        : base(message)
    {
    }
}

/// <summary>One option of a verb: its flag, help text, and how it sets its value.</summary>
public sealed record CliOption(string Flag, string Value, string Help, Action<string> Apply, bool IsSwitch = false);

/// <summary>A verb's options: parsing of <c>--flag value</c> pairs and the help text.</summary>
public sealed class OptionTable
{
    private readonly List<CliOption> _options = new();
    private IReadOnlyList<(string Title, IReadOnlyCollection<string> Flags, string? Note)>? _groups;
    private IReadOnlyList<string> _examples = Array.Empty<string>();

    /// <summary>Creates the table of a verb.</summary>
    public OptionTable(string verb, string summary)
    {
        Verb = verb;
        Summary = summary;
    }

    /// <summary>The verb.</summary>
    public string Verb { get; }

    /// <summary>One line saying what the verb does.</summary>
    public string Summary { get; }

    /// <summary>Adds an option taking a value; a flag the table already has is an error (a method option may not shadow another).</summary>
    public OptionTable Add(string flag, string value, string help, Action<string> apply) => Added(new CliOption(flag, value, help, apply));

    /// <summary>Adds a switch (no value).</summary>
    public OptionTable Switch(string flag, string help, Action apply) => Added(new CliOption(flag, string.Empty, help, _ => apply(), IsSwitch: true));

    /// <summary>The options, in the order they were added.</summary>
    public IReadOnlyList<CliOption> Options => _options;

    /// <summary>Whether <paramref name="flag"/> is one of this verb's switches (options without a value).</summary>
    public bool IsSwitch(string flag) => _options.Any(o => o.Flag == flag && o.IsSwitch);

    /// <summary>Applies <paramref name="args"/> (<c>--flag value</c> or <c>--flag=value</c>); throws <see cref="UsageException"/> naming the bad flag or value.</summary>
    public void Parse(IReadOnlyList<string> args)
    {
        args = SplitEquals(args);
        for (int i = 0; i < args.Count; i++)
        {
            var option = _options.FirstOrDefault(o => o.Flag == args[i])
                ?? throw new UsageException($"unknown option '{args[i]}' for '{Verb}'; see ./mixup {Verb} --help");
            if (option.IsSwitch)
            {
                option.Apply(string.Empty);
                continue;
            }

            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"{option.Flag} needs a value ({option.Value}); see ./mixup {Verb} --help");
            }

            string value = args[++i];
            try
            {
                option.Apply(value);
            }
            catch (FormatException)
            {
                throw new UsageException($"{option.Flag} needs {option.Value}; got '{value}'.");
            }
            catch (OverflowException)
            {
                throw new UsageException($"{option.Flag} needs {option.Value}; '{value}' is out of range.");
            }
        }
    }

    /// <summary>
    /// The common start of a verb: with <c>--help</c> or <c>-h</c>, writes the help and returns true (the verb is done);
    /// otherwise parses <paramref name="args"/> and returns false.
    /// </summary>
    public bool HelpOrParse(IReadOnlyList<string> args, System.IO.TextWriter output)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            output.Write(Help());
            return true;
        }

        Parse(args);
        return false;
    }

    /// <summary><c>--flag=value</c> as <c>--flag value</c> (a switch given a value is refused).</summary>
    public IReadOnlyList<string> SplitEquals(IReadOnlyList<string> args)
    {
        var split = new List<string>();
        foreach (var arg in args)
        {
            int eq = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=', StringComparison.Ordinal) : -1;
            if (eq < 0)
            {
                split.Add(arg);
                continue;
            }

            string flag = arg[..eq];
            if (IsSwitch(flag))
            {
                throw new UsageException($"{flag} takes no value; got '{arg}'.");
            }

            split.Add(flag);
            split.Add(arg[(eq + 1)..]);
        }

        return split;
    }

    /// <summary>
    /// Groups the help's options under titles (in the groups' order; an option in no group is listed last under
    /// "other options") and ends the help with <paramref name="examples"/>. A group may carry a note instead of options.
    /// </summary>
    public OptionTable WithGroups(IReadOnlyList<(string Title, IReadOnlyCollection<string> Flags, string? Note)> groups, IReadOnlyList<string> examples)
    {
        _groups = groups;
        _examples = examples;
        return this;
    }

    /// <summary>The help's groups and the options in each (those in none under "other options"), in table order.</summary>
    public IReadOnlyList<(string Title, IReadOnlyList<CliOption> Options)> Groups()
    {
        if (_groups is null)
        {
            return new[] { ("options", (IReadOnlyList<CliOption>)_options) };
        }

        var groups = _groups.Select(g => (g.Title, (IReadOnlyList<CliOption>)_options.Where(o => g.Flags.Contains(o.Flag)).ToList())).ToList();
        var other = _options.Where(o => !_groups.Any(g => g.Flags.Contains(o.Flag))).ToList();
        if (other.Count > 0)
        {
            groups.Add(("other options", other));
        }

        return groups;
    }

    /// <summary>The verb's help text, wrapped at <paramref name="width"/> columns (default: the terminal's, else $COLUMNS, else 100).</summary>
    public string Help(int? width = null)
    {
        int columns = Math.Max(60, width ?? TerminalWidth());
        var sb = new StringBuilder();
        sb.AppendLine($"usage: ./mixup {Verb} [options]").AppendLine();
        Wrap(sb, Summary, 0, 0, columns);
        int column = _options.Max(o => o.Flag.Length + o.Value.Length + 1) + 4;
        foreach (var (title, options) in Groups())
        {
            sb.AppendLine().AppendLine(title + ":");
            if (_groups?.FirstOrDefault(g => g.Title == title).Note is { } note)
            {
                Wrap(sb, note, 2, 2, columns);
            }

            foreach (var o in options)
            {
                sb.Append("  " + (o.Flag + " " + o.Value).PadRight(column - 2));
                Wrap(sb, o.Help, column, 0, columns);
            }
        }

        if (_examples.Count > 0)
        {
            sb.AppendLine().AppendLine("examples:");
            foreach (var example in _examples)
            {
                sb.AppendLine("  " + example);
            }
        }

        return sb.ToString();
    }

    // Words of text from the current column onwards, continuation lines indented by indent; the first line's indent
    // is already written when first is 0.
    private static void Wrap(StringBuilder sb, string text, int indent, int first, int columns)
    {
        int used = first == 0 ? indent : first;
        if (first > 0)
        {
            sb.Append(new string(' ', first));
        }

        bool lineStart = true;
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!lineStart && used + 1 + word.Length > columns)
            {
                sb.AppendLine().Append(new string(' ', indent));
                used = indent;
                lineStart = true;
            }

            if (!lineStart)
            {
                sb.Append(' ');
                used++;
            }

            sb.Append(word);
            used += word.Length;
            lineStart = false;
        }

        sb.AppendLine();
    }

    private static int TerminalWidth()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out int columns) && columns > 0)
        {
            return columns;
        }

        try
        {
            return !Console.IsOutputRedirected && Console.WindowWidth > 0 ? Console.WindowWidth : 100;
        }
        catch (System.IO.IOException)
        {
            return 100;
        }
    }

    private OptionTable Added(CliOption option)
    {
        if (_options.Any(o => o.Flag == option.Flag))
        {
            throw new InvalidOperationException($"'{Verb}' already has the option {option.Flag}.");
        }

        _options.Add(option);
        return this;
    }

    /// <summary>Parses a floating-point value in the invariant culture.</summary>
    public static double Double(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>Parses an integer.</summary>
    public static int Int(string s) => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);

    /// <summary>Parses a 64-bit integer.</summary>
    public static long Long(string s) => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
