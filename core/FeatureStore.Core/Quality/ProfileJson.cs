using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using FeatureStore.Core.Registry;

namespace FeatureStore.Core.Quality;

/// <summary>
/// The JSON of profiles, run records and drift reports, wherever they are kept or printed (registry folder, training
/// set metadata, <c>--json</c>): snake_case names, types spelled as in YAML, enums as snake_case strings, nulls left
/// out, and NaN or infinities (a float feature may hold them) as the strings <c>"NaN"</c>, <c>"Infinity"</c>.
/// </summary>
public static class ProfileJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    public static string Serialize<T>(T value, bool indented = false) => JsonSerializer.Serialize(value, indented ? Indented : Options);

    public static byte[] SerializeToUtf8Bytes<T>(T value, bool indented = false) =>
        JsonSerializer.SerializeToUtf8Bytes(value, indented ? Indented : Options);

    /// <summary>Reads a value back; <see cref="JsonException"/> when the text is not one.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("The JSON holds null.");

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("The JSON holds null.");

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            WriteIndented = indented,
        };
        options.Converters.Add(new FeatureTypeJsonConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
