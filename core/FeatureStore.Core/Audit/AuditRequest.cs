using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Audit;

/// <summary>
/// What to audit: the logged requests of one feature service (files under <c>&lt;LogFolder&gt;/&lt;Service&gt;/</c>)
/// whose request time lies in [<see cref="Since"/>, <see cref="Until"/>), recomputed offline with
/// <see cref="Definitions"/> (the applied registry version).
/// </summary>
public sealed record AuditRequest
{
    public required DefinitionSet Definitions { get; init; }

    /// <summary>The repository folder: relative source paths resolve against it.</summary>
    public required string RepositoryRoot { get; init; }

    public required string Service { get; init; }

    /// <summary>The log folder (<c>logging.path</c>), holding one folder per service.</summary>
    public required string LogFolder { get; init; }

    public DateTimeOffset? Since { get; init; }

    public DateTimeOffset? Until { get; init; }

    /// <summary>Where to write the mismatching rows (Parquet); null: no file.</summary>
    public string? MismatchFile { get; init; }
}
