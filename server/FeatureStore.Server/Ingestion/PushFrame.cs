using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Loading;
using FeatureStore.Server.Serving;

namespace FeatureStore.Server.Ingestion;

/// <summary>
/// A request's data frame checked against its <see cref="PushTarget"/> and converted, all before anything is written:
/// every column known, every required one present, all of one length, no more rows than allowed, every value of its
/// declared type, no null join key or event timestamp. The first problem found is a
/// <see cref="UserInputException"/> naming the column (and row).
/// </summary>
internal sealed class PushFrame
{
    private readonly Dictionary<string, object?[]> _columns;

    private PushFrame(PushTarget target, Dictionary<string, object?[]> columns, DateTimeOffset[] events, DateTimeOffset?[] created, int rowCount)
    {
        Target = target;
        _columns = columns;
        EventTimestamps = events;
        CreatedTimestamps = created;
        RowCount = rowCount;
    }

    public PushTarget Target { get; }

    public int RowCount { get; }

    public DateTimeOffset[] EventTimestamps { get; }

    /// <summary>Null entries (and every entry when the column was not sent) mean "no created timestamp".</summary>
    public DateTimeOffset?[] CreatedTimestamps { get; }

    /// <summary>The converted values of a column the target takes (all null when an optional column was not sent).</summary>
    public object?[] this[string column] => _columns[column];

    /// <summary>Whether the request sent the column (the created timestamp field is optional).</summary>
    public bool Has(string column) => _columns.ContainsKey(column);

    /// <summary>
    /// How far an event timestamp may lie ahead of the server's clock (clock skew): as for materialization windows.
    /// A row further ahead would be served as not found until then and would hide every older row pushed meanwhile.
    /// </summary>
    public static readonly TimeSpan FutureTolerance = Core.Materialization.MaterializationEngine.FutureEndTolerance;

    public static PushFrame Read(PushTarget target, IReadOnlyList<PushColumn> sent, int maxRows, KeyEncoding encoding, DateTimeOffset now)
    {
        var expected = target.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var given = new Dictionary<string, PushColumn>(StringComparer.Ordinal);
        foreach (var column in sent)
        {
            if (!expected.ContainsKey(column.Name))
            {
                throw new UserInputException(
                    $"Unknown column '{column.Name}' in 'df'{NameSuggester.DidYouMean(column.Name, expected.Keys)}: {target.Description} takes {ColumnList(target)}.");
            }
            if (!given.TryAdd(column.Name, column))
            {
                throw new UserInputException($"Column '{column.Name}' is given twice in 'df'.");
            }
        }
        var missing = target.Columns.Where(c => c.Role != PushColumnRole.CreatedTimestamp && !given.ContainsKey(c.Name)).Select(c => c.Name).ToArray();
        if (missing.Length > 0)
        {
            throw new UserInputException(
                $"Missing column{(missing.Length == 1 ? "" : "s")} {string.Join(", ", missing.Select(m => $"'{m}'"))} in 'df': {target.Description} takes {ColumnList(target)}.");
        }
        PushColumn? first = null;
        foreach (var column in sent)
        {
            first ??= column;
            if (column.Values.Count != first.Values.Count)
            {
                throw new UserInputException(
                    $"Columns of 'df' differ in length: '{first.Name}' has {first.Values.Count} values, '{column.Name}' has {column.Values.Count}; every column needs one value per row.");
            }
        }
        var rowCount = first?.Values.Count ?? 0;
        if (rowCount > maxRows)
        {
            throw new UserInputException(
                $"The request has {rowCount} rows; the limit is {maxRows} (server option --max-push-rows). Send the rows in several requests.");
        }

        var columns = new Dictionary<string, object?[]>(StringComparer.Ordinal);
        var events = new DateTimeOffset[rowCount];
        var created = new DateTimeOffset?[rowCount];
        foreach (var column in target.Columns)
        {
            if (!given.TryGetValue(column.Name, out var values))
            {
                columns[column.Name] = new object?[rowCount];
                continue;
            }
            var converted = new object?[rowCount];
            for (var row = 0; row < rowCount; row++)
            {
                var value = PushValueConverter.Convert(values.Values[row], column.Type, column.Name, row, encoding);
                if (value is null && column.Role is PushColumnRole.JoinKey or PushColumnRole.EventTimestamp)
                {
                    throw new UserInputException(
                        $"Column '{column.Name}' row {row}: the {(column.Role == PushColumnRole.JoinKey ? "join key" : "event timestamp")} is null; every row needs one.");
                }
                converted[row] = value;
                if (column.Role == PushColumnRole.EventTimestamp)
                {
                    events[row] = (DateTimeOffset)value!;
                    if (events[row] > now + FutureTolerance)
                    {
                        throw new UserInputException(
                            $"Column '{column.Name}' row {row}: the event timestamp {events[row]:yyyy-MM-ddTHH:mm:ss.ffffffZ} is more than " +
                            $"{FutureTolerance.TotalMinutes:0} minutes ahead of the server's clock ({now:yyyy-MM-ddTHH:mm:ssZ}); a value counts from its " +
                            "event time, so it would be served as not found until then and hide the rows pushed meanwhile.");
                    }
                }
                else if (column.Role == PushColumnRole.CreatedTimestamp)
                {
                    created[row] = (DateTimeOffset?)value;
                }
            }
            columns[column.Name] = converted;
        }
        return new PushFrame(target, columns, events, created, rowCount);
    }

    private static string ColumnList(PushTarget target) =>
        string.Join(", ", target.Columns.Select(c => c.Role switch
        {
            PushColumnRole.CreatedTimestamp => $"{c.Name} (created timestamp, optional)",
            PushColumnRole.EventTimestamp => $"{c.Name} (event timestamp)",
            _ => $"{c.Name} ({c.Type})",
        }));
}
