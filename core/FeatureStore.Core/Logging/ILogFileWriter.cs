namespace FeatureStore.Core.Logging;

/// <summary>
/// Writes served-feature log rows to one file in a columnar format (Parquet is the one implementation). The caller
/// gives a temporary path and renames the file once this returns, so readers never see a partial file.
/// </summary>
public interface ILogFileWriter
{
    /// <summary>The file extension readers look for, with its dot (e.g. <c>.parquet</c>).</summary>
    string Extension { get; }

    /// <summary>Writes every row of <paramref name="batch"/> to a new file at <paramref name="path"/>.</summary>
    Task WriteAsync(string path, LogBatch batch, CancellationToken cancellationToken = default);
}
