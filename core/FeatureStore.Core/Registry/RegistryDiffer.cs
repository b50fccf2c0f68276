using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Registry;

/// <summary>
/// Computes what changes between two sets of definitions: objects added, removed and changed per kind, and for a
/// changed object every field that differs (for a feature view also each feature added, removed, retyped or
/// redescribed). It compares the canonical JSON of each object property by property, so every stored field is
/// covered, including ones the model gains later: two sets hash differently exactly when the diff is not empty
/// (the project name aside, which the registry refuses to change).
/// </summary>
internal static class RegistryDiffer
{
    /// <summary>Field name for a feature view's features; a single feature is <c>features.NAME</c>.</summary>
    public const string FeaturesField = "features";

    /// <summary>The changes from <paramref name="before"/> (null: nothing applied yet) to <paramref name="after"/>, by kind then name.</summary>
    public static RegistryDiff Diff(DefinitionSet? before, DefinitionSet after)
    {
        var old = before is null ? null : CanonicalDefinitions.ToJson(before);
        var @new = CanonicalDefinitions.ToJson(after);
        var changes = new List<ObjectChange>();
        CompareLists(ObjectKind.Entity, "entities", old, @new, changes);
        CompareLists(ObjectKind.Source, "sources", old, @new, changes);
        CompareLists(ObjectKind.FeatureView, "feature_views", old, @new, changes);
        CompareLists(ObjectKind.FeatureService, "feature_services", old, @new, changes);
        return changes.Count == 0 ? RegistryDiff.Empty : new RegistryDiff(changes);
    }

    private static void CompareLists(ObjectKind kind, string listName, JsonObject? before, JsonObject after, List<ObjectChange> changes)
    {
        var old = ByName(before?[listName] as JsonArray);
        var @new = ByName(after[listName] as JsonArray);
        foreach (var name in old.Keys.Union(@new.Keys).Order(StringComparer.Ordinal))
        {
            var hadIt = old.TryGetValue(name, out var oldObject);
            var hasIt = @new.TryGetValue(name, out var newObject);
            if (!hadIt)
            {
                changes.Add(new ObjectChange(kind, name, ChangeType.Added, []));
            }
            else if (!hasIt)
            {
                changes.Add(new ObjectChange(kind, name, ChangeType.Removed, []));
            }
            else
            {
                var fields = CompareObjects(kind, oldObject!, newObject!);
                if (fields.Count > 0)
                {
                    changes.Add(new ObjectChange(kind, name, ChangeType.Changed, fields));
                }
            }
        }
    }

    private static List<FieldChange> CompareObjects(ObjectKind kind, JsonObject before, JsonObject after)
    {
        var fields = new List<FieldChange>();
        var names = before.Select(p => p.Key).Union(after.Select(p => p.Key)).Where(k => k != "name").Order(StringComparer.Ordinal);
        foreach (var field in names)
        {
            var old = before[field];
            var @new = after[field];
            if (JsonNode.DeepEquals(old, @new))
            {
                continue;
            }
            if (kind == ObjectKind.FeatureView && field == FeaturesField)
            {
                CompareFeatures(old as JsonArray, @new as JsonArray, fields);
            }
            else
            {
                fields.Add(new FieldChange(field, Text(field, old), Text(field, @new)));
            }
        }
        return fields;
    }

    private static void CompareFeatures(JsonArray? before, JsonArray? after, List<FieldChange> fields)
    {
        var old = ByName(before);
        var @new = ByName(after);
        foreach (var name in old.Keys.Union(@new.Keys).Order(StringComparer.Ordinal))
        {
            var prefix = $"{FeaturesField}.{name}";
            var hadIt = old.TryGetValue(name, out var oldFeature);
            var hasIt = @new.TryGetValue(name, out var newFeature);
            if (!hadIt)
            {
                fields.Add(new FieldChange(prefix, null, Text("type", newFeature!["type"])));
            }
            else if (!hasIt)
            {
                fields.Add(new FieldChange(prefix, Text("type", oldFeature!["type"]), null));
            }
            else
            {
                JsonObject was = oldFeature!, now = newFeature!;
                var properties = was.Select(p => p.Key).Union(now.Select(p => p.Key)).Where(k => k != "name").Order(StringComparer.Ordinal);
                foreach (var property in properties)
                {
                    if (!JsonNode.DeepEquals(was[property], now[property]))
                    {
                        fields.Add(new FieldChange($"{prefix}.{property}", Text(property, was[property]), Text(property, now[property])));
                    }
                }
            }
        }

        // Column order matters (bare view references, encodings): report a reordering of the features kept.
        var oldOrder = NamesOf(before).Where(@new.ContainsKey).Distinct().ToArray();
        var newOrder = NamesOf(after).Where(old.ContainsKey).Distinct().ToArray();
        if (!oldOrder.SequenceEqual(newOrder, StringComparer.Ordinal))
        {
            fields.Add(new FieldChange(FeaturesField, $"[{string.Join(", ", oldOrder)}]", $"[{string.Join(", ", newOrder)}]"));
        }
    }

    private static IEnumerable<string> NamesOf(JsonArray? list) =>
        (list ?? []).OfType<JsonObject>().Select(o => o["name"]?.GetValue<string>()).OfType<string>();

    /// <summary>Objects of a list by name, in list order (duplicates, which validation rejects, keep the first).</summary>
    private static Dictionary<string, JsonObject> ByName(JsonArray? list)
    {
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var item in list ?? [])
        {
            if (item is JsonObject obj && obj["name"]?.GetValue<string>() is { } name)
            {
                result.TryAdd(name, obj);
            }
        }
        return result;
    }

    /// <summary>A field value as people read it: TTLs as durations, lists as <c>[a, b]</c>, maps as <c>{k: v}</c>.</summary>
    private static string? Text(string field, JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when field == "ttl" && value.TryGetValue<decimal>(out var seconds) =>
            DurationText.Format(TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond))),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => value.ToJsonString(),
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False =>
            value.GetValue<bool>().ToString(CultureInfo.InvariantCulture).ToLowerInvariant(),
        JsonArray array => $"[{string.Join(", ", array.Select(item => Text(field, item) ?? "null"))}]",
        JsonObject obj when obj.Any(p => p.Value is JsonObject or JsonArray) => RegistryJson.ToCompactString(obj),
        JsonObject obj => $"{{{string.Join(", ", obj.Select(p => $"{p.Key}: {Text(p.Key, p.Value) ?? "null"}"))}}}",
        _ => node.ToJsonString(),
    };
}
