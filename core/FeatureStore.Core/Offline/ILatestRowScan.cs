using System.Data.Common;
using FeatureStore.Core.Online;
using FeatureStore.Core.Quality;

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

    /// <summary>
    /// Selects every row now and keeps them, then profiles them and counts the rows each of <paramref name="checks"/>
    /// rejects, before anything reads them: a materialization judges what it would write before it writes. Later
    /// <see cref="ReadAsync"/> calls read the kept rows, so the selection runs once. Call it before the first
    /// <see cref="ReadAsync"/>, at most once. <paramref name="subject"/> becomes <see cref="FeatureViewProfile.Subject"/>.
    /// </summary>
    Task<SelectionProfile> ProfileAsync(IReadOnlyList<RowCheck> checks, string subject, CancellationToken cancellationToken = default);

    /// <summary>Advances to the next row (starting the scan on the first call); false at the end.</summary>
    ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>The current row, in <see cref="Layout"/>.</summary>
    DbDataReader Current { get; }
}
