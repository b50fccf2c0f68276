using System.Collections;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace FeatureStore.Core.Registry;

/// <summary>
/// The one JSON dialect of the registry: snake_case names (the YAML spellings), types as <c>float32</c>, durations
/// in seconds, enums as snake_case strings, nulls and empty optional collections left out. Leaving defaults out
/// keeps the content hash of unchanged definitions stable when the model later gains an optional property.
/// </summary>
internal static class RegistryJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static readonly JsonSerializerOptions Indented = new(Options) { WriteIndented = true };

    private static readonly JsonWriterOptions CompactWriter = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>Compact text of a node, exactly as hashed.</summary>
    public static string ToCompactString(JsonNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, CompactWriter))
        {
            node.WriteTo(writer);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Indented UTF-8 bytes of a node, for files people may read.</summary>
    public static byte[] ToIndentedBytes(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, Indented);

    /// <summary>
    /// Returns a copy of <paramref name="node"/> whose object properties are in ordinal order at every depth,
    /// so its text no longer depends on declaration order. Array order is kept: it carries meaning.
    /// </summary>
    public static JsonNode? SortProperties(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, SortProperties(p.Value)))),
        JsonArray array => new JsonArray(array.Select(SortProperties).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { LeaveOutComputedAndEmpty } },
        };
        options.Converters.Add(new FeatureTypeJsonConverter());
        options.Converters.Add(new TimeSpanSecondsJsonConverter());
        options.Converters.Add(new StringMapJsonConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private static void LeaveOutComputedAndEmpty(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }
        for (var i = typeInfo.Properties.Count - 1; i >= 0; i--)
        {
            var property = typeInfo.Properties[i];
            var isConstructorParameter = property.AssociatedParameter is not null;
            if (property.Set is null && !isConstructorParameter)
            {
                // Computed (e.g. RegistryDiff.IsEmpty): derived from stored data, never stored itself.
                typeInfo.Properties.RemoveAt(i);
                continue;
            }
            if (!property.IsRequired && !isConstructorParameter && typeof(IEnumerable).IsAssignableFrom(property.PropertyType)
                && property.PropertyType != typeof(string))
            {
                property.ShouldSerialize = static (_, value) => value is not ICollection { Count: 0 } && !IsEmptyReadOnly(value);
            }
        }
    }

    private static bool IsEmptyReadOnly(object? value) => value switch
    {
        null => true,
        IReadOnlyCollection<object> c => c.Count == 0,
        IReadOnlyDictionary<string, string> d => d.Count == 0,
        _ => false,
    };
}
