using FeatureStore.Core.Definitions;
using FeatureStore.Core.Offline;
using FeatureStore.Core.Online;

namespace FeatureStore.Core.Quality;

/// <summary>
/// Computes profiles: the offline engine's job (DuckDB is the one implementation), each profile in a single query
/// over the view's columns, never row by row in .NET. Bad input throws <see cref="Errors.UserInputException"/>.
/// </summary>
public interface IFeatureProfiler
{
    /// <summary>
    /// Profiles the latest row per key of a window (the rows a materialization of it would write, see
    /// <see cref="ILatestRowScan.ProfileAsync"/>) and counts the rows each check rejects. Writes nothing.
    /// </summary>
    Task<SelectionProfile> ProfileLatestRowsAsync(
        LatestRowsRequest request, IReadOnlyList<RowCheck> checks, CancellationToken cancellationToken = default);

    /// <summary>Profiles rows given by the caller, e.g. a view's values read back from the online store.</summary>
    Task<FeatureViewProfile> ProfileRowsAsync(
        DefinitionSet definitions, FeatureViewDefinition view, IAsyncEnumerable<OnlineViewRow> rows, string subject,
        CancellationToken cancellationToken = default);

    /// <summary>The profile of <paramref name="view"/> a training set carries in its metadata.</summary>
    Task<FeatureViewProfile> ReadTrainingSetProfileAsync(string path, string view, CancellationToken cancellationToken = default);
}
