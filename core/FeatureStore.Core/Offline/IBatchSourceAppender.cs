using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Offline;

/// <summary>
/// Adds pushed rows to a batch source's data (the offline half of a push), so training sets and materialize read
/// them like every other row of the source. The rows appear all at once or not at all; a value the source's columns
/// cannot hold throws <see cref="Errors.UserInputException"/> naming the column and row, and writes nothing.
/// </summary>
public interface IBatchSourceAppender
{
    Task<BatchAppendResult> AppendAsync(BatchAppendRequest request, CancellationToken cancellationToken = default);
}

/// <summary>
/// Rows for <see cref="BatchSource"/>, as columns of equal length. Column names are those the views use (join keys
/// and features after <c>field_mapping</c>) plus the source's timestamp fields; the appender writes each under the
/// source's own column name and type. Values are the CLR types of the declared types (long, int, double, float,
/// bool, string, byte[], <see cref="DateTimeOffset"/>; lists as <see cref="System.Collections.IList"/>), null for null.
/// </summary>
public sealed record BatchAppendRequest(
    SourceDefinition BatchSource, string RepositoryRoot, IReadOnlyList<BatchAppendColumn> Columns, int RowCount);

/// <summary>One column of <see cref="BatchAppendRequest"/>: its name as the views use it, its declared type, its values.</summary>
public sealed record BatchAppendColumn(string Name, FeatureType Type, IReadOnlyList<object?> Values);

/// <summary>The file written (absolute path) and the rows in it.</summary>
public sealed record BatchAppendResult(string File, int Rows);
