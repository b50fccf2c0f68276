using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Materialization;

/// <summary>
/// One materialization run. <see cref="Start"/> null means incremental: each view starts at its watermark, or at
/// <c>End - ttl</c> without one (the earliest data when the TTL is zero). <see cref="Views"/> null or empty means
/// every online view; naming an unknown or offline view is an error.
/// </summary>
public sealed record MaterializationRequest
{
    /// <summary>The applied definitions (from the registry).</summary>
    public required DefinitionSet Definitions { get; init; }

    /// <summary>
    /// The registry version number <see cref="Definitions"/> come from. Recorded with each view written, so that a run
    /// on an older version never deletes or replaces, with another schema, what a newer version wrote. 0 when the
    /// definitions were never applied (tests).
    /// </summary>
    public long RegistryVersion { get; init; }

    /// <summary>Folder that relative source paths resolve against.</summary>
    public required string RepositoryRoot { get; init; }

    public DateTimeOffset? Start { get; init; }

    public required DateTimeOffset End { get; init; }

    public IReadOnlyList<string>? Views { get; init; }

    /// <summary>Wait for another run holding a view's lock instead of refusing.</summary>
    public bool WaitForLock { get; init; }

    /// <summary>
    /// Per view, the watermark the caller decided on (null: never materialized). A listed view whose recorded
    /// watermark differs once its lock is held was materialized by another run meanwhile and is skipped, so several
    /// schedulers that found a view due run it once. Views not listed run unconditionally.
    /// </summary>
    public IReadOnlyDictionary<string, DateTimeOffset?>? ExpectedWatermarks { get; init; }

    public bool Incremental => Start is null;
}
