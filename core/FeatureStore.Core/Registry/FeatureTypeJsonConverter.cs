using System.Text.Json;
using System.Text.Json.Serialization;
using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Registry;

/// <summary>
/// Writes a <see cref="FeatureType"/> as its YAML spelling (<c>float32</c>, <c>list&lt;float32&gt;</c>), so the
/// registry reads like the definitions and a type's JSON never depends on enum numbering.
/// </summary>
internal sealed class FeatureTypeJsonConverter : JsonConverter<FeatureType>
{
    public override FeatureType Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"A feature type must be a string such as \"float32\", not {reader.TokenType}.");
        }
        var text = reader.GetString();
        return FeatureType.TryParse(text, out var type)
            ? type
            : throw new JsonException($"'{text}' is not a known type; known types: {string.Join(", ", FeatureType.KnownNames)}.");
    }

    public override void Write(Utf8JsonWriter writer, FeatureType value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
