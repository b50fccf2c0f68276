using System.Text;
using DuckDB.NET.Data;

namespace FeatureStore.Tests.Infrastructure;

/// <summary>A column for <see cref="TestParquet.WriteAsync"/>: a name, a DuckDB SQL type and one value per row.</summary>
/// <param name="Name">The column name.</param>
/// <param name="SqlType">e.g. <c>BIGINT</c>, <c>FLOAT</c>, <c>VARCHAR</c>, <c>TIMESTAMP</c>, <c>TIMESTAMPTZ</c>, <c>FLOAT[]</c>.</param>
/// <param name="Values">CLR values the DuckDB appender accepts for that type (null for SQL NULL).</param>
public sealed record TestColumn(string Name, string SqlType, IReadOnlyList<object?> Values);

/// <summary>
/// Writes Parquet files for tests through embedded DuckDB, so tests can produce exactly the physical types users
/// produce (naive and zoned timestamps, lists, nulls) without hand-building Parquet schemas.
/// </summary>
public static class TestParquet
{
    public static async Task WriteAsync(string path, params TestColumn[] columns)
    {
        if (columns.Length == 0 || columns.Any(c => c.Values.Count != columns[0].Values.Count))
        {
            throw new ArgumentException("Give at least one column, all of the same length.", nameof(columns));
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await ExecuteAsync(connection, "SET TimeZone = 'UTC'");
        var ddl = new StringBuilder("CREATE TABLE t (");
        ddl.Append(string.Join(", ", columns.Select(c => $"{Quote(c.Name)} {c.SqlType}")));
        ddl.Append(')');
        await ExecuteAsync(connection, ddl.ToString());

        using (var appender = connection.CreateAppender("t"))
        {
            for (var row = 0; row < columns[0].Values.Count; row++)
            {
                var appenderRow = appender.CreateRow();
                foreach (var column in columns)
                {
                    AppendValue(appenderRow, column.Values[row]);
                }
                appenderRow.EndRow();
            }
        }

        await using var copy = connection.CreateCommand();
        copy.CommandText = $"COPY t TO '{path.Replace("'", "''")}' (FORMAT PARQUET)";
        await copy.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Writes the rows of a DuckDB query (a test's own SQL, e.g. values the appender cannot express such as an
    /// infinite timestamp), with an optional row-group size to spread rows over several row groups.
    /// </summary>
    public static async Task WriteQueryAsync(string path, string selectSql, int? rowGroupSize = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await ExecuteAsync(connection, "SET TimeZone = 'UTC'");
        var options = rowGroupSize is { } size ? $"FORMAT PARQUET, ROW_GROUP_SIZE {size}" : "FORMAT PARQUET";
        await ExecuteAsync(connection, $"COPY ({selectSql}) TO '{path.Replace("'", "''")}' ({options})");
    }

    private static void AppendValue(IDuckDBAppenderRow row, object? value)
    {
        switch (value)
        {
            case null: row.AppendNullValue(); break;
            case bool v: row.AppendValue(v); break;
            case int v: row.AppendValue(v); break;
            case long v: row.AppendValue(v); break;
            case float v: row.AppendValue(v); break;
            case double v: row.AppendValue(v); break;
            case string v: row.AppendValue(v); break;
            case byte[] v: row.AppendValue(v); break;
            case DateTime v: row.AppendValue(v); break;
            case DateTimeOffset v: row.AppendValue(v); break;
            case float[] v: row.AppendValue(v); break;
            case float?[] v: row.AppendValue(v); break;
            case double?[] v: row.AppendValue(v); break;
            case long?[] v: row.AppendValue(v); break;
            case double[] v: row.AppendValue(v); break;
            case long[] v: row.AppendValue(v); break;
            case int[] v: row.AppendValue(v); break;
            case string[] v: row.AppendValue(v); break;
            default: throw new ArgumentException($"TestParquet cannot append a {value.GetType().Name}.");
        }
    }

    private static async Task ExecuteAsync(DuckDBConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"")}\"";
}
