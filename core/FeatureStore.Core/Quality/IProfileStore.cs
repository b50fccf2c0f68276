namespace FeatureStore.Core.Quality;

/// <summary>
/// Where profiles are kept: the record of every materialization run per view (a bounded history, newest kept) and
/// the reference profiles saved by name (<c>featurestore profile --save NAME</c>, <c>reference: profile:NAME</c>).
/// The catalog reads it for the latest profile, the last run's checks and the drift history of a view.
/// </summary>
public interface IProfileStore
{
    /// <summary>Adds a run's record, dropping the oldest records of the view beyond the history's bound.</summary>
    Task RecordRunAsync(ProfileRun run, CancellationToken cancellationToken = default);

    /// <summary>The view's recorded runs, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ProfileRun>> ListRunsAsync(string view, int limit, CancellationToken cancellationToken = default);

    /// <summary>Saves (or replaces) a named profile of <see cref="FeatureViewProfile.View"/>.</summary>
    Task SaveNamedAsync(string name, FeatureViewProfile profile, CancellationToken cancellationToken = default);

    /// <summary>The view's profile saved under <paramref name="name"/>, or null.</summary>
    Task<FeatureViewProfile?> GetNamedAsync(string view, string name, CancellationToken cancellationToken = default);
}
