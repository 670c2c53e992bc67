using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MixupSharp.Training.Options;

/// <summary>
/// Writes the learning-rate schedule as its name ("cosine", "multistep"), as the command line spells it, and reads
/// either that name or the number config.json held before (3 for cosine), so old run folders read back unchanged.
/// Anything else is refused rather than read as an unnamed schedule.
/// </summary>
public sealed class ScheduleKindJsonConverter : JsonConverter<ScheduleKind>
{
    /// <inheritdoc/>
    public override ScheduleKind Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int number) && Enum.IsDefined((ScheduleKind)number))
        {
            return (ScheduleKind)number;
        }

        string? name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return (name is null ? null : KebabCaseEnumConverter<ScheduleKind>.Parse(name))
            ?? throw new JsonException($"Schedule must be {string.Join(", ", KebabCaseEnumConverter<ScheduleKind>.Names())} (or 0-3 as first recorded).");
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, ScheduleKind value, JsonSerializerOptions options) =>
        writer.WriteStringValue(KebabCaseEnumConverter<ScheduleKind>.Name(value));
}
