namespace FeatureStore.Core.Loading;

/// <summary>
/// Reads the column names and types of sources, so loading can check definitions against the data they will read.
/// Type names are the engine's own; the reader also says which declared types they can hold.
/// </summary>
public interface ISourceSchemaReader
{
    /// <summary>The schema of the files at each resolved path (see <see cref="Definitions.SourceDefinition.ResolvePath"/>).</summary>
    Task<IReadOnlyDictionary<string, SourceSchema>> ReadAsync(IReadOnlyList<string> resolvedPaths, CancellationToken cancellationToken = default);

    bool IsTimestamp(string columnType);

    /// <summary>Whether a column of this type can hold the declared type without losing information.</summary>
    bool CanHold(Definitions.FeatureType declared, string columnType);

    /// <summary>The declared type that fits a column best, for "declare it ..." hints; null when none does.</summary>
    Definitions.FeatureType? NaturalType(string columnType);
}

/// <summary>Column name to engine type name; null columns mean no file matched, or reading failed (<see cref="Error"/>).</summary>
public sealed record SourceSchema(IReadOnlyDictionary<string, string>? Columns, string? Error);
