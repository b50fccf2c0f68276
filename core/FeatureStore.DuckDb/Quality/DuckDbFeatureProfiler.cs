using DuckDB.NET.Data;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;
using FeatureStore.Core.Online;
using FeatureStore.Core.Quality;

namespace FeatureStore.DuckDb;

/// <summary>
/// Profiles with DuckDB (<see cref="ProfileQuery"/>): a window through the materializer's latest-row selection, rows
/// handed over by the caller through DuckDB's appender into a table, and training sets from their metadata.
/// </summary>
public sealed class DuckDbFeatureProfiler(OfflineStoreOptions? options = null) : IFeatureProfiler
{
    private const string RowsTable = "__fs_rows";

    private readonly OfflineStoreOptions _options = options ?? OfflineStoreOptions.Default;

    public async Task<SelectionProfile> ProfileLatestRowsAsync(
        LatestRowsRequest request, IReadOnlyList<RowCheck> checks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var scan = await DuckDbLatestRowScan.PrepareAsync(request, _options, cancellationToken).ConfigureAwait(false);
        return await scan.ProfileAsync(checks, ProfileResolver.WindowSubject(request.Start, request.End), cancellationToken).ConfigureAwait(false);
    }

    public async Task<FeatureViewProfile> ProfileRowsAsync(
        DefinitionSet definitions, FeatureViewDefinition view, IAsyncEnumerable<OnlineViewRow> rows, string subject,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await DuckDbSession.OpenAsync(_options, cancellationToken: cancellationToken).ConfigureAwait(false);
        var columns = view.Features.Select((f, i) => $"f{i} {ColumnType(f.Type)}").Prepend("__fs_e BIGINT");
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = $"CREATE TEMP TABLE {RowsTable} ({string.Join(", ", columns)})";
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        using (var appender = connection.CreateAppender("temp", "main", RowsTable))
        {
            long count = 0;
            await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var appended = appender.CreateRow();
                appended.AppendValue(row.EventMicros);
                for (var i = 0; i < view.Features.Count; i++)
                {
                    Append(appended, view.Features[i].Type, i < row.Values.Count ? row.Values[i] : null);
                }
                appended.EndRow();
                if ((++count & 4095) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }
        var profileColumns = view.Features.Select((f, i) => new ProfileColumn(view.Name, f, $"f{i}", TimestampsAsMicros: true)).ToArray();
        try
        {
            var result = await ProfileQuery.RunAsync(
                connection, RowsTable, profileColumns, [], [], cancellationToken, eventMicrosSql: "__fs_e").ConfigureAwait(false);
            return new FeatureViewProfile
            {
                View = view.Name, Subject = subject, ComputedAt = DateTimeOffset.UtcNow, RowCount = result.RowCount,
                NewestEvent = result.NewestEvent, Features = result.Features,
            };
        }
        catch (DuckDBException ex)
        {
            throw new UserInputException($"Profiling the {subject} values of view '{view.Name}' failed: {DuckDbMessages.Trim(ex.Message)}", ex);
        }
    }

    public Task<FeatureViewProfile> ReadTrainingSetProfileAsync(string path, string view, CancellationToken cancellationToken = default) =>
        TrainingSetProfiles.ReadAsync(path, view, cancellationToken);

    /// <summary>
    /// The table type of a feature: its declared type with timestamps as µs (the online layout); every list as
    /// BOOLEAN[] marking which elements are present, since a list is profiled by its length and its null elements only.
    /// </summary>
    private static string ColumnType(FeatureType type) => type switch
    {
        { IsList: true } => "BOOLEAN[]",
        { Scalar: ScalarType.Timestamp } => "BIGINT",
        _ => DuckDbTypes.SqlType(type),
    };

    private static void Append(IDuckDBAppenderRow row, FeatureType type, object? value)
    {
        if (value is null)
        {
            row.AppendNullValue();
            return;
        }
        if (type.IsList)
        {
            var present = new List<bool?>();
            foreach (var element in (System.Collections.IEnumerable)value)
            {
                present.Add(element is null ? null : true);
            }
            row.AppendValue((IEnumerable<bool?>)present);
            return;
        }
        switch (value)
        {
            case bool b: row.AppendValue(b); break;
            case int i: row.AppendValue(i); break;
            case long l: row.AppendValue(l); break;
            case float f: row.AppendValue(f); break;
            case double d: row.AppendValue(d); break;
            case string s: row.AppendValue(s); break;
            case byte[] bytes: row.AppendValue(bytes); break;
            case DateTimeOffset t: row.AppendValue(TimestampMicros.FromDateTimeOffset(t)); break;
            default: throw new ArgumentException($"A {type} value cannot be a {value.GetType().Name}.", nameof(value));
        }
    }
}
