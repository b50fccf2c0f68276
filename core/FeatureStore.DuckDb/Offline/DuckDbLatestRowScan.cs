using System.Data.Common;
using DuckDB.NET.Data;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;
using FeatureStore.Core.Online;
using FeatureStore.Core.Quality;

namespace FeatureStore.DuckDb;

/// <summary>
/// One view's <see cref="LatestRowsQuery"/> on its own DuckDB connection, read with the command's streaming mode so
/// rows reach the writer while DuckDB still scans and memory stays flat. Every DuckDB failure becomes a
/// <see cref="UserInputException"/> naming the view and its source.
/// </summary>
internal sealed class DuckDbLatestRowScan : ILatestRowScan
{
    private readonly DuckDBConnection _connection;
    private readonly LatestRowsQuery _query;
    private readonly LatestRowsRequest _request;
    private DuckDBCommand? _command;
    private DbDataReader? _reader;
    private bool _kept;

    private DuckDbLatestRowScan(DuckDBConnection connection, LatestRowsQuery query, LatestRowsRequest request)
    {
        _connection = connection;
        _query = query;
        _request = request;
    }

    public LatestRowLayout Layout => _query.Layout;

    public DbDataReader Current => _reader ?? throw new InvalidOperationException("Call ReadAsync first.");

    /// <summary>Builds the view's query from the source's columns and binds it without reading data.</summary>
    public static async Task<DuckDbLatestRowScan> PrepareAsync(
        LatestRowsRequest request, OfflineStoreOptions options, CancellationToken cancellationToken)
    {
        var connection = await DuckDbSession.OpenAsync(options, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            // Row order does not matter here; letting DuckDB drop it makes the aggregation cheaper.
            await DuckDbCommands.ExecuteAsync(connection, "SET preserve_insertion_order = false", null, cancellationToken).ConfigureAwait(false);
            var view = request.View;
            var source = request.Definitions.GetBatchSource(view);
            var path = source.ResolvePath(request.RepositoryRoot);
            IReadOnlyList<ColumnInfo> columns;
            try
            {
                columns = await DuckDbCommands.DescribeAsync(connection, "read_parquet($path)",
                    new Dictionary<string, object?> { ["path"] = path }, cancellationToken).ConfigureAwait(false);
            }
            catch (DuckDBException ex)
            {
                throw new UserInputException($"Feature view '{view.Name}': reading source '{source.Name}' ({path}) failed: {ex.Message}", ex);
            }
            var layout = LatestRowLayout.For(request.Definitions, view);
            var query = LatestRowsQuery.Create(
                request.Definitions, layout, request.RepositoryRoot, hasStart: request.Start is not null,
                columns.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal));
            var scan = new DuckDbLatestRowScan(connection, query, request);
            await scan.BindAsync(cancellationToken).ConfigureAwait(false);
            return scan;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<long?> EstimateRowsAsync(CancellationToken cancellationToken = default)
    {
        await using var command = CreateCommand(_query.CountSql);
        try
        {
            var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return result is null or DBNull ? null : Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (DuckDBException ex)
        {
            throw SourceError(ex);
        }
    }

    public async Task<SelectionProfile> ProfileAsync(IReadOnlyList<RowCheck> checks, string subject, CancellationToken cancellationToken = default)
    {
        if (_kept || _reader is not null)
        {
            throw new InvalidOperationException("ProfileAsync runs once, before the first ReadAsync.");
        }
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await using (var command = CreateCommand(KeptSelection.CreateSql(_query.Layout, _query.Sql)))
            {
                await using var _ = cancellationToken.Register(command.Cancel);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            _kept = true;
            return await KeptSelection.ProfileAsync(_connection, _query.Layout, checks, subject, clock.Elapsed, cancellationToken).ConfigureAwait(false);
        }
        catch (DuckDBException ex)
        {
            throw SourceError(ex);
        }
    }

    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            if (_reader is null && _kept)
            {
                _command = _connection.CreateCommand();
                _command.CommandText = KeptSelection.ReadSql;
                _command.UseStreamingMode = true;
                _reader = await _command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            }
            if (_reader is null)
            {
                _command = CreateCommand(_query.Sql);
                _command.UseStreamingMode = true;
                _reader = await _command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            }
            // The streaming reader's Read is synchronous in-process work; no I/O wait to hand off.
            return _reader.Read();
        }
        catch (DuckDBException ex)
        {
            throw SourceError(ex);
        }
    }

    /// <summary>Binds the query (DESCRIBE), so a missing file or column fails before any write.</summary>
    private async Task BindAsync(CancellationToken cancellationToken)
    {
        await using var command = CreateCommand($"DESCRIBE {_query.Sql}");
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
            }
        }
        catch (DuckDBException ex)
        {
            throw SourceError(ex);
        }
    }

    private DuckDBCommand CreateCommand(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add(new DuckDBParameter("path", _query.Path));
        command.Parameters.Add(new DuckDBParameter("end", _request.End.UtcDateTime));
        if (_request.Start is { } start)
        {
            command.Parameters.Add(new DuckDBParameter("start", start.UtcDateTime));
        }
        return command;
    }

    private UserInputException SourceError(DuckDBException ex) =>
        new($"Feature view '{_query.View.Name}': reading source '{_query.Source.Name}' ({_query.Path}) failed: {ex.Message}", ex);

    public async ValueTask DisposeAsync()
    {
        if (_reader is not null)
        {
            await _reader.DisposeAsync().ConfigureAwait(false);
        }
        if (_command is not null)
        {
            await _command.DisposeAsync().ConfigureAwait(false);
        }
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
