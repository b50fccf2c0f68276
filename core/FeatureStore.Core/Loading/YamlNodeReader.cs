using FeatureStore.Core.Definitions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FeatureStore.Core.Loading;

/// <summary>
/// Reads values out of one file's YAML nodes: checks node kinds and keys, expands <c>${...}</c> in every scalar value,
/// and records each problem at the node that caused it. Methods return null when the value is absent or unusable, so
/// parsing carries on and finds the next problem.
/// </summary>
internal sealed class YamlNodeReader(string relativePath, ProblemList problems, Func<string, string?> environment)
{
    /// <summary>Keys suggested for misspelt ones per map: reporting them as missing too would say the same thing twice.</summary>
    private readonly Dictionary<YamlMappingNode, HashSet<string>> _suggested = new(ReferenceEqualityComparer.Instance);

    public string File { get; } = relativePath;

    public ProblemList Problems { get; } = problems;

    public SourceLocation At(YamlNode node) =>
        new(File, (int)Math.Max(1, node.Start.Line), (int)Math.Max(1, node.Start.Column));

    public void Problem(YamlNode node, string message) => Problems.Add(At(node), message);

    /// <summary>True for an empty or explicit null value (<c>key:</c>, <c>~</c>, <c>null</c>).</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } scalar
        && (scalar.Value is null or "" or "~" or "null" or "Null" or "NULL");

    public YamlMappingNode? Map(YamlNode node, string what)
    {
        if (node is YamlMappingNode map)
        {
            return map;
        }
        Problem(node, $"{what} must be a map of key: value pairs, not {Describe(node)}");
        return null;
    }

    public YamlSequenceNode? Sequence(YamlNode node, string what)
    {
        if (node is YamlSequenceNode sequence)
        {
            return sequence;
        }
        Problem(node, $"{what} must be a list, not {Describe(node)}");
        return null;
    }

    /// <summary>The entries of a map by key, reporting unknown keys (with the closest known one) and non-scalar keys.</summary>
    public IReadOnlyDictionary<string, MapEntry> Entries(YamlMappingNode map, IReadOnlyList<string> knownKeys, string what)
    {
        var entries = new Dictionary<string, MapEntry>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Problem(keyNode, $"keys of {what} must be plain names, not {Describe(keyNode)}");
                continue;
            }
            if (!knownKeys.Contains(key, StringComparer.Ordinal))
            {
                if (NameSuggester.Closest(key, knownKeys) is { } suggestion)
                {
                    Problem(keyNode, $"unknown key '{key}' in {what}; did you mean '{suggestion}'?");
                    if (!_suggested.TryGetValue(map, out var suggested))
                    {
                        _suggested[map] = suggested = new HashSet<string>(StringComparer.Ordinal);
                    }
                    suggested.Add(suggestion);
                }
                else
                {
                    Problem(keyNode, $"unknown key '{key}' in {what} (known keys: {string.Join(", ", knownKeys)})");
                }
                continue;
            }
            entries[key] = new MapEntry(keyNode, valueNode);
        }
        return entries;
    }

    /// <summary>The value of a required key, or null after reporting it missing (at the map, naming the owner).</summary>
    public YamlNode? Required(YamlMappingNode map, IReadOnlyDictionary<string, MapEntry> entries, string key, string what)
    {
        if (entries.TryGetValue(key, out var entry) && !IsNull(entry.Value))
        {
            return entry.Value;
        }
        if (entries.TryGetValue(key, out var empty))
        {
            Problem(empty.Value, $"{what} has no value for required key '{key}'");
        }
        else if (!(_suggested.TryGetValue(map, out var suggested) && suggested.Contains(key)))
        {
            Problem(map, $"{what} is missing required key '{key}'");
        }
        return null;
    }

    public static YamlNode? Optional(IReadOnlyDictionary<string, MapEntry> entries, string key) =>
        entries.TryGetValue(key, out var entry) && !IsNull(entry.Value) ? entry.Value : null;

    /// <summary>A scalar value with <c>${...}</c> expanded; null (after a problem) when it is a list or map or cannot be expanded.</summary>
    public Located<string>? Scalar(YamlNode? node, string what)
    {
        if (node is null)
        {
            return null;
        }
        if (node is not YamlScalarNode scalar)
        {
            Problem(node, $"{what} must be a single value, not {Describe(node)}");
            return null;
        }
        if (IsNull(scalar))
        {
            return null;
        }
        if (!EnvironmentExpander.TryExpand(scalar.Value ?? "", environment, out var expanded, out var error))
        {
            Problem(node, $"{what}: {error}");
            return null;
        }
        return new Located<string>(expanded, At(node));
    }

    /// <summary>A list of scalar values (each expanded); null after a problem when the node is not a list.</summary>
    public IReadOnlyList<Located<string>>? ScalarList(YamlNode? node, string what)
    {
        if (node is null || Sequence(node, what) is not { } sequence)
        {
            return null;
        }
        var values = new List<Located<string>>();
        foreach (var item in sequence.Children)
        {
            if (Scalar(item, $"each entry of {what}") is { } value)
            {
                values.Add(value);
            }
            else if (IsNull(item))
            {
                Problem(item, $"{what} has an empty entry");
            }
        }
        return values;
    }

    /// <summary>A map of scalar to scalar (tags, field_mapping), ordered by key.</summary>
    public SortedDictionary<string, string>? ScalarMap(YamlNode? node, string what, Dictionary<string, Located<string>>? locations = null)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (node is null || Map(node, what) is not { } map)
        {
            return node is null ? result : null;
        }
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var key = Scalar(keyNode, $"each key of {what}");
            var value = Scalar(valueNode, $"the value of '{key?.Value}' in {what}");
            if (key is null || value is null)
            {
                if (key is not null && IsNull(valueNode))
                {
                    Problem(valueNode, $"'{key.Value.Value}' in {what} has no value");
                }
                continue;
            }
            result[key.Value.Value] = value.Value.Value;
            locations?.TryAdd(key.Value.Value, key.Value);
        }
        return result;
    }

    public static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "a list",
        YamlMappingNode => "a map",
        YamlScalarNode s when IsNull(s) => "an empty value",
        YamlScalarNode s => $"the value '{s.Value}'",
        _ => "an alias",
    };
}

/// <summary>One key: value pair of a YAML map, with the key node kept for locating problems about the key itself.</summary>
internal readonly record struct MapEntry(YamlNode Key, YamlNode Value);
