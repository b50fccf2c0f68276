namespace FeatureStore.Core.Offline;

/// <summary>
/// Historical feature data: builds point-in-time correct training sets from the offline sources. Behind an interface
/// so another engine can be added later; DuckDB (<see cref="DuckDbOfflineStore"/>) is the one implementation today.
/// </summary>
public interface IOfflineStore
{
    /// <summary>
    /// Joins the entity file with the requested features as they were at each row's timestamp and writes the result,
    /// with lineage, to <see cref="TrainingSetRequest.OutputPath"/>. Either the whole file appears or none does.
    /// Bad input throws <see cref="Errors.UserInputException"/> (or <see cref="Errors.NotFoundException"/>).
    /// </summary>
    Task<TrainingSetResult> WriteTrainingSetAsync(TrainingSetRequest request, CancellationToken cancellationToken = default);
}
