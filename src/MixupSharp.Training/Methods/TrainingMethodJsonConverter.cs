using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MixupSharp.Training.Methods;

/// <summary>Writes a <see cref="TrainingMethod"/> as its name and reads it back through <see cref="KnownMethods"/>.</summary>
public sealed class TrainingMethodJsonConverter : JsonConverter<TrainingMethod>
{
    /// <inheritdoc />
    public override TrainingMethod Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string name = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException("a method is written as its name, a string.");
        return KnownMethods.Find(name) ?? throw new JsonException($"unknown method '{name}'; known: {string.Join(", ", KnownMethods.Names)}.");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, TrainingMethod value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name);
}
