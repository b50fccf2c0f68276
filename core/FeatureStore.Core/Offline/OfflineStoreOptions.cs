namespace FeatureStore.Core.Offline;

/// <summary>
/// Resource limits for DuckDB. Joins larger than <see cref="MemoryLimit"/> spill to <see cref="TempDirectory"/>
/// instead of failing, so training sets bigger than RAM still complete.
/// </summary>
public sealed record OfflineStoreOptions
{
    /// <summary>DuckDB <c>memory_limit</c>, e.g. <c>4GB</c>; null means half of the memory available to the process.</summary>
    public string? MemoryLimit { get; init; }

    /// <summary>
    /// Where DuckDB spills; null means a fresh folder under the system temp folder, deleted afterwards.
    /// </summary>
    public string? TempDirectory { get; init; }

    /// <summary>DuckDB worker threads; null means DuckDB's default (one per core).</summary>
    public int? Threads { get; init; }

    public static OfflineStoreOptions Default { get; } = new();
}
