using FeatureStore.Core.Definitions;
using FeatureStore.Core.Scheduling;
using YamlDotNet.RepresentationModel;

namespace FeatureStore.Core.Loading;

/// <summary>
/// Turns the YAML of one definition file into drafts, checking what can be checked inside the file: node kinds, known
/// and required keys, names, types, durations. Cross-file checks are <see cref="DefinitionValidator"/>'s.
/// </summary>
internal sealed class DefinitionParser(YamlNodeReader reader)
{
    private readonly CheckParser _checks = new(reader);

    public static readonly string[] FileKeys = ["entities", "sources", "feature_views", "feature_services"];
    public static readonly string[] EntityKeys = ["name", "join_key", "value_type", "description", "owner", "tags"];
    public static readonly string[] SourceKeys =
        ["name", "type", "path", "timestamp_field", "created_timestamp_field", "field_mapping", "batch_source", "description", "owner", "tags"];

    /// <summary>The source types: Parquet files (the default) and push sources fed by the server's write endpoints.</summary>
    public static readonly string[] SourceTypes = ["parquet", "push"];

    /// <summary>Keys a push source takes from its batch source instead.</summary>
    private static readonly string[] BatchOnlyKeys = ["path", "timestamp_field", "created_timestamp_field", "field_mapping"];
    public static readonly string[] ViewKeys =
        ["name", "entities", "source", "ttl", "online", "owner", "description", "tags", "features", "schedule", "checks", "reference"];
    public static readonly string[] FeatureKeys = ["name", "type", "description", "tags", "checks"];
    public static readonly string[] ServiceKeys = ["name", "description", "owner", "tags", "features", "logging"];
    public static readonly string[] ServiceLoggingKeys = ["sample_rate"];

    /// <summary>Join keys are stored in Redis keys and compared exactly, so only exact, hashable types are allowed.</summary>
    private static readonly ScalarType[] JoinKeyTypes = [ScalarType.Int32, ScalarType.Int64, ScalarType.String, ScalarType.Bytes];

    public void Parse(YamlNode root, DraftSet drafts)
    {
        if (YamlNodeReader.IsNull(root) || reader.Map(root, "a definition file") is not { } map)
        {
            return;
        }
        var entries = reader.Entries(map, FileKeys, "a definition file");
        foreach (var item in Items(entries, "entities"))
        {
            if (ParseEntity(item) is { } entity)
            {
                drafts.Entities.Add(entity);
            }
        }
        foreach (var item in Items(entries, "sources"))
        {
            if (ParseSource(item) is { } source)
            {
                drafts.Sources.Add(source);
            }
        }
        foreach (var item in Items(entries, "feature_views"))
        {
            if (ParseView(item) is { } view)
            {
                drafts.FeatureViews.Add(view);
            }
        }
        foreach (var item in Items(entries, "feature_services"))
        {
            if (ParseService(item) is { } service)
            {
                drafts.FeatureServices.Add(service);
            }
        }
    }

    private IEnumerable<YamlNode> Items(IReadOnlyDictionary<string, MapEntry> entries, string key) =>
        YamlNodeReader.Optional(entries, key) is { } node && reader.Sequence(node, $"'{key}'") is { } list ? list.Children : [];

    private EntityDraft? ParseEntity(YamlNode node)
    {
        if (reader.Map(node, "each entry of 'entities'") is not { } map)
        {
            return null;
        }
        var entries = reader.Entries(map, EntityKeys, Label(map, "entity"));
        var name = Name(map, entries, "entity");
        var what = Describe("entity", name);
        var joinKey = RequiredText(map, entries, "join_key", what);
        CheckName(joinKey, "join key");
        var valueType = Type(reader.Required(map, entries, "value_type", what), "value_type");
        if (valueType is { } t && (t.Value.IsList || !JoinKeyTypes.Contains(t.Value.Scalar)))
        {
            reader.Problems.Add(t.Location,
                $"{what} cannot have value_type '{t.Value}': a join key must be one of int32, int64, string, bytes");
            valueType = null;
        }
        return new EntityDraft(reader.At(map), name, joinKey, valueType,
            Text(entries, "description"), Text(entries, "owner"), Tags(entries, what));
    }

    private SourceDraft? ParseSource(YamlNode node)
    {
        if (reader.Map(node, "each entry of 'sources'") is not { } map)
        {
            return null;
        }
        var entries = reader.Entries(map, SourceKeys, Label(map, "source"));
        var name = Name(map, entries, "source");
        var what = Describe("source", name);
        var type = reader.Scalar(YamlNodeReader.Optional(entries, "type"), "type");
        if (type is { } t && !SourceTypes.Contains(t.Value, StringComparer.Ordinal))
        {
            reader.Problems.Add(t.Location,
                $"unknown type '{t.Value}' of {what}{NameSuggester.DidYouMean(t.Value, SourceTypes)}; a source is 'parquet' (the default) or 'push'");
        }
        if (type is { Value: "push" })
        {
            return ParsePushSource(map, entries, name, what);
        }
        if (entries.TryGetValue("batch_source", out var batchEntry))
        {
            reader.Problem(batchEntry.Key,
                $"{what} is a Parquet source and cannot have a 'batch_source'; only a push source (type: push) names one");
        }
        var path = RequiredText(map, entries, "path", what);
        var timestamp = RequiredText(map, entries, "timestamp_field", what);
        var created = reader.Scalar(YamlNodeReader.Optional(entries, "created_timestamp_field"), "created_timestamp_field");
        var mappingLocations = new Dictionary<string, Located<string>>(StringComparer.Ordinal);
        var mapping = reader.ScalarMap(YamlNodeReader.Optional(entries, "field_mapping"), $"field_mapping of {what}", mappingLocations)
                      ?? new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in mapping.GroupBy(kv => kv.Value, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var columns = group.Select(kv => kv.Key).ToArray();
            reader.Problems.Add(mappingLocations[columns[1]].Location,
                $"field_mapping of {what} maps both '{columns[0]}' and '{columns[1]}' to '{group.Key}'");
        }
        foreach (var (column, target) in mapping)
        {
            if (!NameRules.IsValidName(target))
            {
                reader.Problems.Add(mappingLocations[column].Location,
                    $"field_mapping of {what} maps '{column}' to invalid name '{target}': names must match {NameRules.NamePattern}");
            }
        }
        return new SourceDraft(reader.At(map), name, path, timestamp, created, mapping,
            mappingLocations.ToDictionary(kv => kv.Key, kv => kv.Value.Location, StringComparer.Ordinal),
            Text(entries, "description"), Text(entries, "owner"), Tags(entries, what));
    }

    /// <summary>A push source: a name and the Parquet source its views read history from, which holds the rest.</summary>
    private SourceDraft ParsePushSource(
        YamlMappingNode map, IReadOnlyDictionary<string, MapEntry> entries, Located<string>? name, string what)
    {
        var batchSource = RequiredText(map, entries, "batch_source", what);
        foreach (var key in BatchOnlyKeys)
        {
            if (entries.TryGetValue(key, out var entry))
            {
                reader.Problem(entry.Key,
                    $"push {what} cannot have '{key}': its views use the path, timestamp fields and field_mapping of its batch_source" +
                    (batchSource is { } b ? $" '{b.Value}'" : ""));
            }
        }
        return new SourceDraft(reader.At(map), name, null, null, null,
            new SortedDictionary<string, string>(StringComparer.Ordinal), new Dictionary<string, SourceLocation>(StringComparer.Ordinal),
            Text(entries, "description"), Text(entries, "owner"), Tags(entries, what))
        {
            IsPush = true,
            BatchSource = batchSource,
        };
    }

    private FeatureViewDraft? ParseView(YamlNode node)
    {
        if (reader.Map(node, "each entry of 'feature_views'") is not { } map)
        {
            return null;
        }
        var entries = reader.Entries(map, ViewKeys, Label(map, "feature view"));
        var name = Name(map, entries, "feature view");
        var what = Describe("feature view", name);
        var entitiesNode = reader.Required(map, entries, "entities", what);
        var entities = reader.ScalarList(entitiesNode, $"'entities' of {what}") ?? [];
        if (entitiesNode is YamlSequenceNode { Children.Count: 0 })
        {
            reader.Problem(entitiesNode, $"{what} lists no entities; give at least one");
        }
        foreach (var group in entities.GroupBy(e => e.Value, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            reader.Problems.Add(group.ElementAt(1).Location, $"{what} lists entity '{group.Key}' twice");
        }
        var source = RequiredText(map, entries, "source", what);

        var ttl = TimeSpan.Zero;
        if (reader.Scalar(YamlNodeReader.Optional(entries, "ttl"), "ttl") is { } ttlText
            && !DurationParser.TryParse(ttlText.Value, out ttl, out var ttlProblem))
        {
            reader.Problems.Add(ttlText.Location, ttlProblem == DurationParser.TooLong
                ? $"ttl '{ttlText.Value}' of {what} is too long: {ttlProblem}"
                : $"malformed duration '{ttlText.Value}' for ttl of {what}: {ttlProblem}");
        }
        var online = true;
        if (reader.Scalar(YamlNodeReader.Optional(entries, "online"), "online") is { } onlineText)
        {
            if (onlineText.Value is "true" or "True" or "TRUE")
            {
                online = true;
            }
            else if (onlineText.Value is "false" or "False" or "FALSE")
            {
                online = false;
            }
            else
            {
                reader.Problems.Add(onlineText.Location, $"online of {what} must be true or false, not '{onlineText.Value}'");
            }
        }
        var schedule = Schedule(entries, what, online);

        var features = new List<FeatureDraft>();
        var featuresNode = reader.Required(map, entries, "features", what);
        if (featuresNode is not null && reader.Sequence(featuresNode, $"'features' of {what}") is { } list)
        {
            if (list.Children.Count == 0)
            {
                reader.Problem(list, $"{what} has no features; declare at least one");
            }
            foreach (var item in list.Children)
            {
                if (ParseFeature(item, what) is { } feature)
                {
                    features.Add(feature);
                }
            }
        }
        foreach (var group in features.Where(f => f.Name is not null).GroupBy(f => f.Name!.Value.Value, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var first = group.First().Name!.Value.Location;
            reader.Problems.Add(group.ElementAt(1).Name!.Value.Location,
                $"{what} declares feature '{group.Key}' twice (first at line {first.Line})");
        }

        var checks = _checks.ParseViewChecks(YamlNodeReader.Optional(entries, "checks"), what, out var maxDriftPsi);
        var reference = _checks.ParseReference(YamlNodeReader.Optional(entries, "reference"), what);
        if (maxDriftPsi is { } limit && YamlNodeReader.Optional(entries, "reference") is null)
        {
            reader.Problems.Add(limit.Location,
                $"max_drift_psi of {what} needs a reference to compare with: add reference: training-set:FILE, profile:NAME or window:START..END");
        }

        return new FeatureViewDraft(reader.At(map), name, entities, source, ttl, online,
            Text(entries, "owner"), Text(entries, "description"), Tags(entries, what), features, checks, reference, schedule);
    }

    /// <summary>A view's own cron schedule; only an online view is ever materialized, so only it may have one.</summary>
    private string? Schedule(IReadOnlyDictionary<string, MapEntry> entries, string what, bool online)
    {
        if (reader.Scalar(YamlNodeReader.Optional(entries, "schedule"), "schedule") is not { } text)
        {
            return null;
        }
        if (!CronSchedule.TryParse(text.Value, out var schedule, out var problem))
        {
            reader.Problems.Add(text.Location, $"malformed schedule '{text.Value}' of {what}: {problem}");
            return null;
        }
        if (!online)
        {
            reader.Problems.Add(text.Location,
                $"{what} is offline only (online: false), so it is never materialized; remove its schedule or make it online");
            return null;
        }
        return schedule.Text;
    }

    private FeatureDraft? ParseFeature(YamlNode node, string viewWhat)
    {
        if (reader.Map(node, $"each feature of {viewWhat}") is not { } map)
        {
            return null;
        }
        var entries = reader.Entries(map, FeatureKeys, $"{Label(map, "feature")} of {viewWhat}");
        var name = Name(map, entries, "feature", $" of {viewWhat}");
        var what = $"{Describe("feature", name)} of {viewWhat}";
        var type = Type(reader.Required(map, entries, "type", what), "type");
        var checks = _checks.ParseFeatureChecks(YamlNodeReader.Optional(entries, "checks"), type, what);
        return new FeatureDraft(reader.At(map), name, type, Text(entries, "description"), Tags(entries, what), checks);
    }

    private FeatureServiceDraft? ParseService(YamlNode node)
    {
        if (reader.Map(node, "each entry of 'feature_services'") is not { } map)
        {
            return null;
        }
        var entries = reader.Entries(map, ServiceKeys, Label(map, "feature service"));
        var name = Name(map, entries, "feature service");
        var what = Describe("feature service", name);
        var featuresNode = reader.Required(map, entries, "features", what);
        var features = reader.ScalarList(featuresNode, $"'features' of {what}") ?? [];
        if (featuresNode is YamlSequenceNode { Children.Count: 0 })
        {
            reader.Problem(featuresNode, $"{what} lists no features; give view:feature references or view names");
        }
        var logging = ServiceLogging(YamlNodeReader.Optional(entries, "logging"), what);
        return new FeatureServiceDraft(reader.At(map), name, Text(entries, "description"), Text(entries, "owner"), Tags(entries, what), features, logging);
    }

    /// <summary><c>logging: {sample_rate: R}</c> with 0 &lt; R &lt;= 1; null when absent or wrong (after a problem).</summary>
    private FeatureServiceLogging? ServiceLogging(YamlNode? node, string what)
    {
        if (node is null || reader.Map(node, $"logging of {what}") is not { } map)
        {
            return null;
        }
        var entries = reader.Entries(map, ServiceLoggingKeys, $"logging of {what}");
        if (reader.Scalar(reader.Required(map, entries, "sample_rate", $"logging of {what}"), "sample_rate") is not { } text)
        {
            return null;
        }
        if (double.TryParse(text.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var rate)
            && rate > 0 && rate <= 1)
        {
            return new FeatureServiceLogging { SampleRate = rate };
        }
        reader.Problems.Add(text.Location,
            $"sample_rate of {what} must be a number greater than 0 and at most 1 (1.0 logs every request), not '{text.Value}'");
        return null;
    }

    private Located<string>? Name(YamlMappingNode map, IReadOnlyDictionary<string, MapEntry> entries, string kind, string suffix = "")
    {
        var name = RequiredText(map, entries, "name", $"a {kind}{suffix}");
        CheckName(name, $"{kind} name");
        return name;
    }

    /// <summary>A required scalar that must not be empty (an empty quoted string or a variable expanding to nothing).</summary>
    private Located<string>? RequiredText(YamlMappingNode map, IReadOnlyDictionary<string, MapEntry> entries, string key, string what)
    {
        var value = reader.Scalar(reader.Required(map, entries, key, what), key);
        if (value is { } v && string.IsNullOrWhiteSpace(v.Value))
        {
            reader.Problems.Add(v.Location, $"{what} has an empty value for required key '{key}'");
            return null;
        }
        return value;
    }

    private void CheckName(Located<string>? name, string what)
    {
        if (name is { } n && !NameRules.IsValidName(n.Value))
        {
            reader.Problems.Add(n.Location, $"invalid {what} '{n.Value}': names must match {NameRules.NamePattern}");
        }
    }

    private Located<FeatureType>? Type(YamlNode? node, string key)
    {
        if (reader.Scalar(node, key) is not { } text)
        {
            return null;
        }
        if (FeatureType.TryParse(text.Value, out var type))
        {
            return new Located<FeatureType>(type, text.Location);
        }
        var suggestion = NameSuggester.DidYouMean(text.Value, FeatureType.KnownNames);
        reader.Problems.Add(text.Location, suggestion.Length > 0
            ? $"unknown type '{text.Value}'{suggestion}"
            : $"unknown type '{text.Value}'; known types: bool, int32, int64, float32, float64, string, bytes, timestamp, or list<...> of one of them");
        return null;
    }

    private string? Text(IReadOnlyDictionary<string, MapEntry> entries, string key) =>
        reader.Scalar(YamlNodeReader.Optional(entries, key), key)?.Value;

    private IReadOnlyDictionary<string, string> Tags(IReadOnlyDictionary<string, MapEntry> entries, string what) =>
        reader.ScalarMap(YamlNodeReader.Optional(entries, "tags"), $"tags of {what}")
        ?? new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>"feature view 'x'" when the map has a plain name, else "a feature view": read before the keys are checked.</summary>
    private static string Label(YamlMappingNode map, string kind) =>
        map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode { Value: "name" }).Value is YamlScalarNode { Value: { Length: > 0 } name }
        && NameRules.IsValidName(name)
            ? $"{kind} '{name}'"
            : $"a {kind}";

    private static string Describe(string kind, Located<string>? name) => name is { } n ? $"{kind} '{n.Value}'" : $"this {kind}";
}
