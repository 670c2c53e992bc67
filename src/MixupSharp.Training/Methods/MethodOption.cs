using System;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using MixupSharp.Training.Options;

namespace MixupSharp.Training.Methods;

/// <summary>
/// An option a training method declares for itself: its name (the command-line flag without dashes, and the key in
/// variants files and config.json), the value's name and help for the CLI, a default, and its check. The CLI, variants
/// files and config.json pick declared options up with no other edits.
/// </summary>
public abstract class MethodOption
{
    private protected MethodOption(string name, string valueName, string help)
    {
        if (string.IsNullOrWhiteSpace(name) || name.StartsWith('-') || name.Contains(' ', StringComparison.Ordinal))
        {
            throw new ArgumentException($"an option name is a kebab-case word without leading dashes, e.g. \"decay-power\"; got '{name}'.", nameof(name));
        }

        Name = name;
        ValueName = valueName ?? throw new ArgumentNullException(nameof(valueName));
        Help = help ?? throw new ArgumentNullException(nameof(help));
    }

    /// <summary>The option's name, e.g. "decay-power" (flag <c>--decay-power</c>).</summary>
    public string Name { get; }

    /// <summary>The value's name in help, e.g. "D".</summary>
    public string ValueName { get; }

    /// <summary>One line of help (without the default, which is added).</summary>
    public string Help { get; }

    /// <summary>The default as JSON.</summary>
    public abstract JsonElement DefaultValue { get; }

    /// <summary>The default as text, for help.</summary>
    public abstract string DefaultText { get; }

    /// <summary>Parses and checks a value given as text; throws <see cref="InvalidOptionException"/> or <see cref="FormatException"/>.</summary>
    public abstract JsonElement Parse(string text);

    /// <summary>Checks a value read from JSON; throws <see cref="InvalidOptionException"/>.</summary>
    public abstract void Check(JsonElement value);

    /// <summary>A floating-point option whose values must satisfy <paramref name="valid"/> (described by <paramref name="requirement"/>, e.g. "must be > 0").</summary>
    public static MethodOption<double> Double(string name, string valueName, string help, double defaultValue, Func<double, bool> valid, string requirement) =>
        new(name, valueName, help, defaultValue, text => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture), v => double.IsFinite(v) && valid(v), requirement);

    /// <summary>An integer option whose values must satisfy <paramref name="valid"/>.</summary>
    public static MethodOption<int> Int(string name, string valueName, string help, int defaultValue, Func<int, bool> valid, string requirement) =>
        new(name, valueName, help, defaultValue, text => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture), valid, requirement);

    /// <summary>
    /// A floating-point option that may be left unset (null: the method falls back to something else, described by
    /// <paramref name="unsetMeaning"/>, e.g. "the value of --alpha").
    /// </summary>
    public static MethodOption<double?> OptionalDouble(string name, string valueName, string help, Func<double, bool> valid, string requirement, string unsetMeaning) =>
        new(name, valueName, help, null, text => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture), v => v is null || (double.IsFinite(v.Value) && valid(v.Value)), requirement, unsetText: unsetMeaning);

    /// <summary>An optional range "MIN,MAX" (null: none), checked by <paramref name="valid"/>.</summary>
    public static MethodOption<double[]?> OptionalRange(string name, string help, Func<double, double, bool> valid, string requirement) =>
        new(
            name,
            "MIN,MAX",
            help,
            null,
            text => text.Split(',').Select(part => double.Parse(part, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray(),
            v => v is null || (v.Length == 2 && v.All(double.IsFinite) && valid(v[0], v[1])),
            requirement,
            unsetText: "none");

    /// <summary>An option naming one value of <typeparamref name="TEnum"/> by its kebab-case name.</summary>
    public static MethodOption<TEnum> Choice<TEnum>(string name, string help, TEnum defaultValue)
        where TEnum : struct, Enum =>
        new(
            name,
            string.Join("|", KebabCaseEnumConverter<TEnum>.Names()),
            help,
            defaultValue,
            text => KebabCaseEnumConverter<TEnum>.Parse(text) ?? throw new InvalidOptionException(name, $"must be one of {string.Join(", ", KebabCaseEnumConverter<TEnum>.Names())}; got '{text}'."),
            _ => true,
            string.Empty,
            new JsonSerializerOptions { Converters = { new KebabCaseEnumConverter<TEnum>() } });
}

/// <summary>A method option of type <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The value type (a number, bool or enum).</typeparam>
public sealed class MethodOption<T> : MethodOption
{
    private readonly Func<string, T> _parse;
    private readonly Func<T, bool> _valid;
    private readonly string _requirement;
    private readonly JsonSerializerOptions? _json;
    private readonly string _unsetText;

    /// <summary>Creates an option.</summary>
    /// <param name="name">The name, e.g. "decay-power".</param>
    /// <param name="valueName">The value's name in help, e.g. "D".</param>
    /// <param name="help">One line of help.</param>
    /// <param name="defaultValue">The default.</param>
    /// <param name="parse">Parses command-line text (may throw <see cref="FormatException"/>).</param>
    /// <param name="valid">Whether a value is allowed.</param>
    /// <param name="requirement">What is allowed, e.g. "must be > 0"; the message adds what came.</param>
    /// <param name="json">How values are written to JSON (null: System.Text.Json's defaults).</param>
    /// <param name="unsetText">How help shows a null default (e.g. "the value of --alpha").</param>
    public MethodOption(string name, string valueName, string help, T defaultValue, Func<string, T> parse, Func<T, bool> valid, string requirement, JsonSerializerOptions? json = null, string? unsetText = null)
        : base(name, valueName, help)
    {
        _parse = parse ?? throw new ArgumentNullException(nameof(parse));
        _valid = valid ?? throw new ArgumentNullException(nameof(valid));
        _requirement = requirement ?? throw new ArgumentNullException(nameof(requirement));
        _json = json;
        _unsetText = unsetText ?? "none";
        Default = defaultValue;
        Checked(defaultValue);
    }

    /// <summary>The default value.</summary>
    public T Default { get; }

    /// <inheritdoc />
    public override JsonElement DefaultValue => JsonSerializer.SerializeToElement(Default, _json);

    /// <inheritdoc />
    public override string DefaultText => Text(Default);

    /// <summary>The value held in <paramref name="value"/>.</summary>
    public T Read(JsonElement value)
    {
        try
        {
            return value.Deserialize<T>(_json)!;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidOptionException(Name, $"needs a value of type {typeof(T).Name}; got {value.GetRawText()}.");
        }
    }

    /// <inheritdoc />
    public override JsonElement Parse(string text) => JsonSerializer.SerializeToElement(Checked(_parse(text)), _json);

    /// <inheritdoc />
    public override void Check(JsonElement value) => Checked(Read(value));

    private T Checked(T value) => _valid(value) ? value : throw new InvalidOptionException(Name, $"{_requirement}; got {Text(value)}.");

    private string Text(T value) => value switch
    {
        null => _unsetText,
        Enum e => JsonNamingPolicy.KebabCaseLower.ConvertName(e.ToString()),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        double[] range => string.Join(",", range.Select(v => v.ToString(CultureInfo.InvariantCulture))),
        _ => value.ToString() ?? _unsetText,
    };
}
