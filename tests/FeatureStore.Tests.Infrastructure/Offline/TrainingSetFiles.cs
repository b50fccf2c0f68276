using DuckDB.NET.Data;

namespace FeatureStore.Tests.Offline;

/// <summary>Reads a training set back for assertions (tests only; the product never loads rows into .NET).</summary>
public static class TrainingSetFiles
{
    public sealed record Table(IReadOnlyList<string> Columns, IReadOnlyList<string> Types, IReadOnlyList<object?[]> Rows);

    public static async Task<Table> ReadAsync(string path)
    {
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using (var tz = connection.CreateCommand())
        {
            tz.CommandText = "SET TimeZone = 'UTC'";
            await tz.ExecuteNonQueryAsync();
        }
        var types = new List<string>();
        await using (var describe = connection.CreateCommand())
        {
            describe.CommandText = "DESCRIBE SELECT * FROM read_parquet($p)";
            describe.Parameters.Add(new DuckDBParameter("p", path));
            await using var reader = await describe.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                types.Add(reader.GetString(1));
            }
        }
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM read_parquet($p)";
        command.Parameters.Add(new DuckDBParameter("p", path));
        await using var rows = await command.ExecuteReaderAsync();
        var columns = Enumerable.Range(0, rows.FieldCount).Select(rows.GetName).ToArray();
        var list = new List<object?[]>();
        while (await rows.ReadAsync())
        {
            var row = new object?[rows.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = rows.IsDBNull(i) ? null : rows.GetValue(i);
            }
            list.Add(row);
        }
        return new Table(columns, types, list);
    }

    /// <summary>Every file in a folder, so tests can assert that a failed run left nothing behind (not even temp files).</summary>
    public static IReadOnlyList<string> FilesIn(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetFileName(f)).ToArray() : [];
}
