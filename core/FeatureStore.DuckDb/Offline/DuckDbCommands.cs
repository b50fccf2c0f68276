using DuckDB.NET.Data;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;

namespace FeatureStore.DuckDb;

/// <summary>Small helpers to run parameterized DuckDB statements with cancellation.</summary>
internal static class DuckDbCommands
{
    public static async Task ExecuteAsync(DuckDBConnection connection, string sql, IReadOnlyDictionary<string, object?>? parameters, CancellationToken cancellationToken)
    {
        await using var command = Create(connection, sql, parameters);
        await using var _ = cancellationToken.Register(command.Cancel);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<T> ScalarAsync<T>(DuckDBConnection connection, string sql, IReadOnlyDictionary<string, object?>? parameters, CancellationToken cancellationToken)
    {
        await using var command = Create(connection, sql, parameters);
        await using var _ = cancellationToken.Register(command.Cancel);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return (T)Convert.ChangeType(value!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Column names and DuckDB type names of a relation, as <c>DESCRIBE</c> reports them (reads only metadata).</summary>
    public static async Task<IReadOnlyList<ColumnInfo>> DescribeAsync(DuckDBConnection connection, string relationSql, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken)
    {
        await using var command = Create(connection, $"DESCRIBE SELECT * FROM {relationSql}", parameters);
        await using var _ = cancellationToken.Register(command.Cancel);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var columns = new List<ColumnInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            columns.Add(new ColumnInfo(reader.GetString(0), reader.GetString(1)));
        }
        return columns;
    }

    /// <summary>The values of a one-column query (small results only, e.g. a file list).</summary>
    public static async Task<IReadOnlyList<string>> ListAsync(DuckDBConnection connection, string sql, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken)
    {
        await using var command = Create(connection, sql, parameters);
        await using var _ = cancellationToken.Register(command.Cancel);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var values = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }

    private static DuckDBCommand Create(DuckDBConnection connection, string sql, IReadOnlyDictionary<string, object?>? parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters ?? new Dictionary<string, object?>())
        {
            command.Parameters.Add(new DuckDBParameter(name, value));
        }
        return command;
    }
}

/// <summary>A column as DuckDB describes it.</summary>
internal sealed record ColumnInfo(string Name, string Type);
