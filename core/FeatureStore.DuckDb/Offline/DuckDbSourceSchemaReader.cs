using System.Collections.Concurrent;
using System.Data.Common;
using DuckDB.NET.Data;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Offline;

namespace FeatureStore.DuckDb;

/// <summary>Reads source schemas from Parquet footers through DuckDB (<see cref="ISourceSchemaReader"/>).</summary>
public sealed class DuckDbSourceSchemaReader : ISourceSchemaReader
{
    /// <summary>
    /// Reads each distinct path's schema once, a few paths at a time: reading a footer is I/O bound, so a repository
    /// with many sources does not wait for them one by one. Each worker has its own connection (one per thread).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, SourceSchema>> ReadAsync(IReadOnlyList<string> resolvedPaths, CancellationToken cancellationToken = default)
    {
        var results = new ConcurrentDictionary<string, SourceSchema>(StringComparer.Ordinal);
        if (resolvedPaths.Count == 0)
        {
            return results;
        }
        var queue = new ConcurrentQueue<string>(resolvedPaths);
        await using var database = await DuckDbSession.OpenAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var workers = Math.Clamp(Math.Min(Environment.ProcessorCount, resolvedPaths.Count), 1, 8);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            await using var connection = database.Duplicate();
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await DuckDbSession.ConfigureAsync(connection, null, null, cancellationToken).ConfigureAwait(false);
            while (queue.TryDequeue(out var path))
            {
                cancellationToken.ThrowIfCancellationRequested();
                results[path] = await ReadOneAsync(connection, path, cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken))).ConfigureAwait(false);
        return results;
    }

    public bool IsTimestamp(string columnType) => ParquetTypeCompatibility.IsTimestamp(columnType);

    public bool CanHold(FeatureType declared, string columnType) => ParquetTypeCompatibility.CanHold(declared, columnType);

    public FeatureType? NaturalType(string columnType) => ParquetTypeCompatibility.NaturalType(columnType);

    private static async Task<SourceSchema> ReadOneAsync(DuckDBConnection connection, string path, CancellationToken cancellationToken)
    {
        try
        {
            var parameters = new Dictionary<string, object?> { ["path"] = path };
            if (await DuckDbCommands.ScalarAsync<long>(connection, "SELECT count(*) FROM glob($path)", parameters, cancellationToken).ConfigureAwait(false) == 0)
            {
                return new SourceSchema(null, null);
            }
            var columns = await DuckDbCommands.DescribeAsync(connection, "read_parquet($path)", parameters, cancellationToken).ConfigureAwait(false);
            return new SourceSchema(columns.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal), null);
        }
        catch (DbException ex)
        {
            return new SourceSchema(null, ex.Message.Split('\n')[0].Trim());
        }
    }
}
