using System.Globalization;
using System.Text.Json;
using FeatureStore.Core.Errors;

namespace FeatureStore.Core.Offline;

/// <summary>
/// Where a training set came from, stored in the Parquet file's key-value metadata (keys prefixed
/// <c>featurestore.</c>) so the file explains itself: which definitions, which features, which source files as they
/// were, which entity file (by hash), how many rows and when. See docs/training-sets.md for reading it with any Parquet reader.
/// </summary>
public sealed record TrainingSetLineage
{
    public const string KeyPrefix = "featurestore.";

    /// <summary>Version of this metadata layout, so readers can tell old files from new ones.</summary>
    public const string CurrentFormatVersion = "1";

    public int? RegistryVersion { get; init; }
    public string? RegistryHash { get; init; }
    public string? FeatureService { get; init; }

    /// <summary>The features, as <c>view:feature</c>, in output order.</summary>
    public required IReadOnlyList<string> Features { get; init; }

    public required IReadOnlyList<SourceFileLineage> SourceFiles { get; init; }

    /// <summary>The entity file as given (absolute path).</summary>
    public required string EntityFile { get; init; }

    /// <summary>Lower-case hex SHA-256 of the entity file's bytes.</summary>
    public required string EntityFileSha256 { get; init; }

    public required long RowCount { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string TimestampColumn { get; init; }
    public bool FullFeatureNames { get; init; }
    public bool AsOfCreated { get; init; }

    /// <summary>
    /// Per feature view, the source rows no entity row could get a value from, because their event timestamp or a
    /// join key is NULL. Empty in files written before this was recorded.
    /// </summary>
    public IReadOnlyDictionary<string, SkippedRows> SkippedSourceRows { get; init; } = new Dictionary<string, SkippedRows>();

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The key-value pairs written into the Parquet footer, in a stable order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToKeyValueMetadata() =>
    [
        new(KeyPrefix + "format_version", CurrentFormatVersion),
        new(KeyPrefix + "registry_version", RegistryVersion?.ToString(CultureInfo.InvariantCulture) ?? ""),
        new(KeyPrefix + "registry_hash", RegistryHash ?? ""),
        new(KeyPrefix + "feature_service", FeatureService ?? ""),
        new(KeyPrefix + "features", JsonSerializer.Serialize(Features, Json)),
        new(KeyPrefix + "source_files", JsonSerializer.Serialize(SourceFiles.Select(f => new SourceFileJson(f.Source, f.Path, f.SizeBytes, f.ModifiedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))), Json)),
        new(KeyPrefix + "entity_file", EntityFile),
        new(KeyPrefix + "entity_file_sha256", EntityFileSha256),
        new(KeyPrefix + "row_count", RowCount.ToString(CultureInfo.InvariantCulture)),
        new(KeyPrefix + "created_at", CreatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)),
        new(KeyPrefix + "timestamp_column", TimestampColumn),
        new(KeyPrefix + "full_feature_names", FullFeatureNames ? "true" : "false"),
        new(KeyPrefix + "as_of_created", AsOfCreated ? "true" : "false"),
        new(KeyPrefix + "skipped_source_rows", JsonSerializer.Serialize(
            SkippedSourceRows.ToDictionary(v => v.Key, v => new SkippedJson(v.Value.NullEventTimestamp, v.Value.NullJoinKey)), Json)),
    ];

    /// <summary>Rebuilds the lineage from key-value metadata; throws <see cref="UserInputException"/> if it is not there.</summary>
    public static TrainingSetLineage FromKeyValueMetadata(IReadOnlyDictionary<string, string> metadata, string fileForErrors = "the file")
    {
        string Get(string key) => metadata.TryGetValue(KeyPrefix + key, out var value)
            ? value
            : throw new UserInputException($"{fileForErrors} carries no training-set lineage (metadata key '{KeyPrefix}{key}' is missing).");
        static string? Blank(string value) => value.Length == 0 ? null : value;

        var files = JsonSerializer.Deserialize<List<SourceFileJson>>(Get("source_files"), Json) ?? [];
        return new TrainingSetLineage
        {
            RegistryVersion = Blank(Get("registry_version")) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : null,
            RegistryHash = Blank(Get("registry_hash")),
            FeatureService = Blank(Get("feature_service")),
            Features = JsonSerializer.Deserialize<List<string>>(Get("features"), Json) ?? [],
            SourceFiles = files.Select(f => new SourceFileLineage(f.Source, f.Path, f.SizeBytes,
                DateTimeOffset.Parse(f.ModifiedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal))).ToArray(),
            EntityFile = Get("entity_file"),
            EntityFileSha256 = Get("entity_file_sha256"),
            RowCount = long.Parse(Get("row_count"), CultureInfo.InvariantCulture),
            CreatedAt = DateTimeOffset.Parse(Get("created_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            TimestampColumn = Get("timestamp_column"),
            FullFeatureNames = Get("full_feature_names") == "true",
            AsOfCreated = Get("as_of_created") == "true",
            SkippedSourceRows = metadata.TryGetValue(KeyPrefix + "skipped_source_rows", out var skipped)
                ? (JsonSerializer.Deserialize<Dictionary<string, SkippedJson>>(skipped, Json) ?? [])
                    .ToDictionary(v => v.Key, v => new SkippedRows(v.Value.NullEventTimestamp, v.Value.NullJoinKey))
                : new Dictionary<string, SkippedRows>(),
        };
    }

    private sealed record SourceFileJson(string Source, string Path, long SizeBytes, string ModifiedAt);

    private sealed record SkippedJson(long NullEventTimestamp, long NullJoinKey);
}
