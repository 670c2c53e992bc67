using System;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MixupSharp.Training.Options;

/// <summary>
/// Writes an enum as its kebab-case name ("fashion-mnist", "geometric"): the form config.json has always used for these
/// options, so typed options keep old run folders readable and their configuration hashes unchanged.
/// </summary>
/// <typeparam name="TEnum">The enum.</typeparam>
public sealed class KebabCaseEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    /// <summary>Creates the converter (numbers are refused when reading).</summary>
    public KebabCaseEnumConverter()
        : base(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false)
    {
    }

    /// <summary>
    /// The name of <paramref name="value"/> as written to JSON and on the command line: its
    /// <see cref="JsonStringEnumMemberNameAttribute"/> where it has one (as the serializer uses it; "randaugment", not
    /// "rand-augment"), else its kebab-case name.
    /// </summary>
    public static string Name(TEnum value) =>
        typeof(TEnum).GetField(value.ToString())?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
        ?? JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>Every value's name, in declaration order.</summary>
    public static string[] Names() => Array.ConvertAll(Enum.GetValues<TEnum>(), Name);

    /// <summary>The value named <paramref name="name"/>, or null.</summary>
    public static TEnum? Parse(string name)
    {
        foreach (var value in Enum.GetValues<TEnum>())
        {
            if (Name(value) == name)
            {
                return value;
            }
        }

        return null;
    }
}
