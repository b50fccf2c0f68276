using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Logging;

/// <summary>
/// Reads a served-feature log as the entity rows of a training set ("log and wait": train on exactly what was served,
/// labels joined later): the logged join keys with <see cref="LogColumns.RequestTime"/> as each row's timestamp.
/// </summary>
public interface ILogEntityReader
{
    /// <summary>
    /// When <paramref name="path"/> is a served-feature log (a folder of log files, or one log file), writes its rows to
    /// the Parquet file <paramref name="entityFile"/>: the join-key columns and <c>request_time</c>, and with
    /// <paramref name="keepLogColumns"/> every other log column too, and returns true. Returns false for anything else
    /// (an ordinary entity file), writing nothing.
    /// </summary>
    Task<bool> TryWriteEntityFileAsync(
        string path, DefinitionSet definitions, bool keepLogColumns, string entityFile, CancellationToken cancellationToken = default);
}
