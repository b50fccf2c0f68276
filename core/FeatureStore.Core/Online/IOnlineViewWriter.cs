using System.Data.Common;
using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Online;

/// <summary>
/// Writes rows of one view to the online store with compare-and-set by version: a row older than the stored one is
/// confirmed but not written. Writes may be buffered; <see cref="FlushAsync"/> returning means every row queued so
/// far is stored. Not thread-safe: one producer per writer.
/// </summary>
public interface IOnlineViewWriter : IAsyncDisposable
{
    FeatureViewDefinition View { get; }

    /// <summary>The order of key and feature values this writer takes.</summary>
    LatestRowLayout Layout { get; }

    /// <summary>Rows handed to the writer.</summary>
    long RowsQueued { get; }

    /// <summary>Rows the store confirmed: written, or skipped because it already held them or a newer version.</summary>
    long RowsConfirmed { get; }

    /// <summary>Rows the store changed.</summary>
    long RowsWritten { get; }

    /// <summary>
    /// Queues the reader's current row, laid out as <see cref="LatestRowLayout"/> describes. Completes synchronously
    /// unless the writer has to wait for the store.
    /// </summary>
    ValueTask WriteAsync(DbDataReader row, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues one row given as CLR values: key values in <see cref="LatestRowLayout.KeyEntities"/> order, feature
    /// values in view order (the types <see cref="OnlineFeatureValue.Value"/> uses).
    /// </summary>
    ValueTask WriteRowAsync(
        IReadOnlyList<object> keyValues, IReadOnlyList<object?> featureValues, DateTimeOffset eventTimestamp,
        DateTimeOffset? createdTimestamp = null, CancellationToken cancellationToken = default);

    /// <summary>Sends every queued row and waits until the store confirmed all of them.</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);
}
