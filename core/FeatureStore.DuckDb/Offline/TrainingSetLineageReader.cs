using DuckDB.NET.Data;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;

namespace FeatureStore.DuckDb;

/// <summary>Reads the <see cref="TrainingSetLineage"/> a training set carries in its Parquet key-value metadata.</summary>
internal static class TrainingSetLineageReader
{
    /// <summary>Reads the lineage of a training set written by this library, with DuckDB's <c>parquet_kv_metadata</c>.</summary>
    public static async Task<TrainingSetLineage> ReadAsync(string parquetPath, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(parquetPath))
        {
            throw new NotFoundException($"Training set '{parquetPath}' does not exist.");
        }
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var connection = await DuckDbSession.OpenAsync(cancellationToken: cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT decode(key), decode(value) FROM parquet_kv_metadata($path)";
        command.Parameters.Add(new DuckDBParameter("path", parquetPath));
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                metadata[reader.GetString(0)] = reader.GetString(1);
            }
        }
        catch (DuckDBException ex)
        {
            throw new UserInputException($"Cannot read Parquet metadata of '{parquetPath}': {DuckDbMessages.Trim(ex.Message)}", ex);
        }
        return TrainingSetLineage.FromKeyValueMetadata(metadata, $"'{parquetPath}'");
    }
}
