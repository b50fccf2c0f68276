using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Registry;

/// <summary>
/// The canonical form of a <see cref="DefinitionSet"/> and its content hash. The four object lists are sorted by
/// name (their order in the YAML files means nothing), object properties are in ordinal order, and locations are
/// not part of it. Lists inside an object keep their order because it carries meaning: a view's entities form its
/// composite key in that order, and features and service entries give column order.
/// </summary>
internal static class CanonicalDefinitions
{
    /// <summary>The same definitions with every object list sorted by name.</summary>
    public static DefinitionSet Normalize(DefinitionSet definitions) => definitions with
    {
        Entities = definitions.Entities.OrderBy(e => e.Name, StringComparer.Ordinal).ToArray(),
        Sources = definitions.Sources.OrderBy(s => s.Name, StringComparer.Ordinal).ToArray(),
        FeatureViews = definitions.FeatureViews.OrderBy(v => v.Name, StringComparer.Ordinal).ToArray(),
        FeatureServices = definitions.FeatureServices.OrderBy(s => s.Name, StringComparer.Ordinal).ToArray(),
    };

    /// <summary>The canonical JSON tree: normalized lists, properties in ordinal order.</summary>
    public static JsonObject ToJson(DefinitionSet definitions) =>
        (JsonObject)RegistryJson.SortProperties(JsonSerializer.SerializeToNode(Normalize(definitions), RegistryJson.Options))!;

    /// <summary>The canonical JSON text (compact), the exact bytes the hash is taken over.</summary>
    public static string ToJsonString(DefinitionSet definitions) => RegistryJson.ToCompactString(ToJson(definitions));

    /// <summary>SHA-256 of the canonical JSON, lower-case hex: equal definitions hash equal, whatever their file order.</summary>
    public static string Hash(DefinitionSet definitions) => HashOf(ToJson(definitions));

    /// <summary>Reads definitions back from their registry JSON.</summary>
    public static DefinitionSet FromJson(JsonNode node) =>
        node.Deserialize<DefinitionSet>(RegistryJson.Options) ?? throw new JsonException("The definitions are null.");

    /// <summary>Reads definitions back from registry JSON text.</summary>
    public static DefinitionSet FromJsonString(string json) => FromJson(JsonNode.Parse(json) ?? throw new JsonException("The definitions are null."));

    /// <summary>Hash of a stored definitions tree as it is (sorted first), used to check a version file's integrity.</summary>
    internal static string HashOf(JsonNode node)
    {
        var text = RegistryJson.ToCompactString(RegistryJson.SortProperties(node)!);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
