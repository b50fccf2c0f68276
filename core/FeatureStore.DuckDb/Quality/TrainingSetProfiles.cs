using System.Text.Json;
using DuckDB.NET.Data;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;
using FeatureStore.Core.Quality;

namespace FeatureStore.DuckDb;

/// <summary>
/// The profiles a training set carries next to its lineage in the Parquet key-value metadata: one entry per view,
/// key <c>featurestore.profile.&lt;view&gt;</c>, value the profile's JSON (<see cref="ProfileJson"/>) of the
/// view's feature columns over every row of the file.
/// </summary>
public static class TrainingSetProfiles
{
    public const string KeyPrefix = TrainingSetLineage.KeyPrefix + "profile.";

    public static KeyValuePair<string, string> ToKeyValue(FeatureViewProfile profile) =>
        new(KeyPrefix + profile.View, ProfileJson.Serialize(profile));

    /// <summary>Reads the profile of <paramref name="view"/> from a training set's metadata.</summary>
    public static async Task<FeatureViewProfile> ReadAsync(string parquetPath, string view, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(parquetPath))
        {
            throw new NotFoundException($"Training set '{parquetPath}' does not exist.");
        }
        var found = new List<string>();
        string? json = null;
        await using var connection = await DuckDbSession.OpenAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT decode(key), decode(value) FROM parquet_kv_metadata($path) WHERE starts_with(decode(key), $prefix)";
        command.Parameters.Add(new DuckDBParameter("path", parquetPath));
        command.Parameters.Add(new DuckDBParameter("prefix", KeyPrefix));
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var name = reader.GetString(0)[KeyPrefix.Length..];
                found.Add(name);
                if (name == view)
                {
                    json = reader.GetString(1);
                }
            }
        }
        catch (DuckDBException ex)
        {
            throw new UserInputException($"Cannot read Parquet metadata of '{parquetPath}': {DuckDbMessages.Trim(ex.Message)}", ex);
        }
        if (json is null)
        {
            throw new NotFoundException(found.Count == 0
                ? $"Training set '{parquetPath}' carries no profiles (it was written before training sets were profiled, or by another tool); build it again with 'featurestore training-set'."
                : $"Training set '{parquetPath}' has no features of view '{view}'; it profiles: {string.Join(", ", found.Order(StringComparer.Ordinal))}.");
        }
        try
        {
            return ProfileJson.Deserialize<FeatureViewProfile>(json);
        }
        catch (JsonException ex)
        {
            throw new UserInputException($"The profile of view '{view}' in '{parquetPath}' cannot be read: {ex.Message}", ex);
        }
    }
}
