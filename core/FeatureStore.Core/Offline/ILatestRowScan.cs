using System.Data.Common;
using FeatureStore.Core.Online;

namespace FeatureStore.Core.Offline;

/// <summary>
/// A prepared latest-row selection (<see cref="IOfflineStore.PrepareLatestRowsAsync"/>): checked against the source
/// already, streamed row by row when read. Errors while reading the source surface as
/// <see cref="Errors.UserInputException"/> naming the view and source.
/// </summary>
public interface ILatestRowScan : IAsyncDisposable
{
    LatestRowLayout Layout { get; }

    /// <summary>Approximate number of keys the scan will yield (one extra pass), for progress.</summary>
    Task<long?> EstimateRowsAsync(CancellationToken cancellationToken = default);

    /// <summary>Advances to the next row (starting the scan on the first call); false at the end.</summary>
    ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>The current row, in <see cref="Layout"/>.</summary>
    DbDataReader Current { get; }
}
