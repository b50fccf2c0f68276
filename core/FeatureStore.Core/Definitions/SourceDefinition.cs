using System.Text.Json.Serialization;

namespace FeatureStore.Core.Definitions;

/// <summary>
/// A data source. A Parquet source is a file, a folder of Parquet files or a glob, with the column that says when
/// each row became true (event timestamp) and, optionally, when it was written (created timestamp, breaks ties).
/// A push source (<see cref="BatchSource"/> set) receives rows over the server's write endpoints; its views read
/// history (training sets, materialize) from its batch source, a Parquet source, whose path, timestamp fields and
/// field mapping it uses. A push source's own <see cref="Path"/> and <see cref="TimestampField"/> are empty.
/// </summary>
public sealed record SourceDefinition
{
    public required string Name { get; init; }

    /// <summary>As written in the definition; relative paths resolve against the repository folder. Empty for a push source.</summary>
    public required string Path { get; init; }

    /// <summary>Empty for a push source (its batch source's applies).</summary>
    public required string TimestampField { get; init; }
    public string? CreatedTimestampField { get; init; }

    /// <summary>For a push source: the Parquet source its views read history from; null for a Parquet source.</summary>
    public string? BatchSource { get; init; }

    /// <summary>True for a push source (the YAML's <c>type: push</c>).</summary>
    [JsonIgnore]
    public bool IsPush => BatchSource is not null;

    /// <summary>Source column name to feature (or join key) name.</summary>
    public IReadOnlyDictionary<string, string> FieldMapping { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    public string? Description { get; init; }
    public string? Owner { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    [JsonIgnore]
    public SourceLocation? Location { get; init; }

    /// <summary>The path (or glob) to hand to DuckDB's <c>read_parquet</c>: absolute, and a folder becomes <c>folder/**/*.parquet</c>.</summary>
    public string ResolvePath(string repositoryRoot)
    {
        var full = System.IO.Path.IsPathRooted(Path) ? Path : System.IO.Path.GetFullPath(System.IO.Path.Combine(repositoryRoot, Path));
        return Directory.Exists(full) ? System.IO.Path.Combine(full, "**", "*.parquet") : full;
    }

    /// <summary>The source column that holds a feature or join key, honouring <see cref="FieldMapping"/>.</summary>
    public string ColumnFor(string featureOrKeyName)
    {
        foreach (var (column, name) in FieldMapping)
        {
            if (name == featureOrKeyName)
            {
                return column;
            }
        }
        return featureOrKeyName;
    }
}
