using System.Globalization;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;

namespace FeatureStore.DuckDb;

/// <summary>
/// Opens the in-memory DuckDB connections every offline path uses, set up one way: UTC session time zone (naive
/// timestamps in the data are UTC), and the memory, spill and thread limits of <see cref="OfflineStoreOptions"/>.
/// A connection serves one thread at a time; open one per worker.
/// </summary>
public static partial class DuckDbSession
{
    [GeneratedRegex(@"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", RegexOptions.IgnoreCase)]
    private static partial Regex MemorySize();

    /// <summary>
    /// A configured connection. <paramref name="tempDirectory"/> is where DuckDB spills (it keeps its default when
    /// null); <paramref name="options"/> null keeps DuckDB's own memory and thread defaults.
    /// </summary>
    public static async Task<DuckDBConnection> OpenAsync(
        OfflineStoreOptions? options = null, string? tempDirectory = null, CancellationToken cancellationToken = default)
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ConfigureAsync(connection, options, tempDirectory, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Applies the session settings to a connection (also to one made with <c>Duplicate()</c>).</summary>
    internal static async Task ConfigureAsync(
        DuckDBConnection connection, OfflineStoreOptions? options, string? tempDirectory, CancellationToken cancellationToken)
    {
        // SET takes no parameters; every value below is checked or escaped here.
        var settings = new List<string> { "SET TimeZone = 'UTC'" };
        if (options?.MemoryLimit is { } memoryLimit)
        {
            if (!MemorySize().IsMatch(memoryLimit))
            {
                throw new UserInputException($"Memory limit '{memoryLimit}' is not a size like 4GB or 512MB.");
            }
            settings.Add($"SET memory_limit = {SqlIdentifier.Literal(memoryLimit)}");
        }
        if (tempDirectory is not null)
        {
            settings.Add($"SET temp_directory = {SqlIdentifier.Literal(tempDirectory)}");
        }
        if (options?.Threads is { } threads)
        {
            settings.Add($"SET threads = {Math.Max(1, threads).ToString(CultureInfo.InvariantCulture)}");
        }
        foreach (var sql in settings)
        {
            await DuckDbCommands.ExecuteAsync(connection, sql, null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Half of what the process may use, leaving room for .NET and the page cache; DuckDB spills past it.</summary>
    internal static string HalfOfAvailableMemory()
    {
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var megabytes = Math.Max(256, available / 2 / (1024 * 1024));
        return $"{megabytes.ToString(CultureInfo.InvariantCulture)}MB";
    }
}
