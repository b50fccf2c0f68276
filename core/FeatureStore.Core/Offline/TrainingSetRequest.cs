using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Offline;

/// <summary>
/// What to join: the applied definitions, the features (already resolved with
/// <see cref="DefinitionSet.ResolveReferences"/> or <see cref="DefinitionSet.ResolveService"/>), the entity file
/// (Parquet, or CSV with a header, chosen by extension) and where to write the Parquet result.
/// </summary>
public sealed record TrainingSetRequest
{
    public required DefinitionSet Definitions { get; init; }

    /// <summary>The repository folder: relative source paths resolve against it.</summary>
    public required string RepositoryRoot { get; init; }

    public required IReadOnlyList<FeatureReference> Features { get; init; }

    public required string EntityFile { get; init; }

    public required string OutputPath { get; init; }

    /// <summary>Name output columns <c>view__feature</c> instead of <c>feature</c>.</summary>
    public bool FullFeatureNames { get; init; }

    /// <summary>The entity file's column holding each row's point in time.</summary>
    public string TimestampColumn { get; init; } = "event_timestamp";

    /// <summary>
    /// Also require a row's created timestamp to be &lt;= T, so rows written (backfilled) after T cannot leak in and
    /// the same request gives the same file later.
    /// </summary>
    public bool AsOfCreated { get; init; }

    /// <summary>The applied registry version the definitions come from, recorded in the lineage (null if none).</summary>
    public int? RegistryVersion { get; init; }

    /// <summary>That version's content hash, recorded in the lineage.</summary>
    public string? RegistryHash { get; init; }

    /// <summary>The feature service the features came from, if any, recorded in the lineage.</summary>
    public string? FeatureService { get; init; }

    /// <summary>
    /// Folders the output must not be written into besides the sources' own (which the store protects by itself),
    /// e.g. the registry folder.
    /// </summary>
    public IReadOnlyList<string> ProtectedFolders { get; init; } = [];
}
