namespace FeatureStore.Core.Offline;

/// <summary>
/// Historical feature data: point-in-time correct training sets and the latest rows per key that materialization
/// loads online, both from one definition of "latest" (<see cref="PointInTime.LatestValueRule"/>). DuckDB is the one
/// implementation today. Bad input throws <see cref="Errors.UserInputException"/> (or
/// <see cref="Errors.NotFoundException"/>).
/// </summary>
public interface IOfflineStore
{
    /// <summary>
    /// Joins the entity file with the requested features as they were at each row's timestamp and writes the result,
    /// with lineage, to <see cref="TrainingSetRequest.OutputPath"/>. Either the whole file appears or none does.
    /// </summary>
    Task<TrainingSetResult> WriteTrainingSetAsync(TrainingSetRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Prepares the latest-row selection of one view in a window and checks it against the source (files, columns,
    /// types) without reading data, so a bad source fails before anything is written.
    /// </summary>
    Task<ILatestRowScan> PrepareLatestRowsAsync(LatestRowsRequest request, CancellationToken cancellationToken = default);
}
