using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;
using FeatureStore.Core.Online;

namespace FeatureStore.Core.Quality;

/// <summary>
/// Finds the profile a <see cref="ProfileReference"/> names, for <c>drift</c>, <c>profile</c> and the drift check of
/// <c>materialize</c>: reads a training set's or a saved profile, profiles a window or the online values, or takes
/// the last run's. The online store is opened only when asked for (<paramref name="onlineStore"/>).
/// </summary>
public sealed class ProfileResolver(
    IFeatureProfiler profiler, IProfileStore profiles, Func<CancellationToken, Task<IOnlineStore>>? onlineStore = null)
{
    public async Task<FeatureViewProfile> ResolveAsync(
        DefinitionSet definitions, FeatureViewDefinition view, string repositoryRoot, ProfileReference reference,
        CancellationToken cancellationToken = default)
    {
        switch (reference.Kind)
        {
            case ProfileReferenceKind.TrainingSet:
                var path = Path.IsPathRooted(reference.Value!) ? reference.Value! : Path.GetFullPath(Path.Combine(repositoryRoot, reference.Value!));
                return await profiler.ReadTrainingSetProfileAsync(path, view.Name, cancellationToken).ConfigureAwait(false);
            case ProfileReferenceKind.Named:
                var named = await profiles.GetNamedAsync(view.Name, reference.Value!, cancellationToken).ConfigureAwait(false);
                return named is not null
                    ? named with { Subject = $"{reference} ({named.Subject})" }
                    : throw new NotFoundException(
                        $"No profile named '{reference.Value}' is saved for view '{view.Name}'; save one with " +
                        $"'featurestore profile --view {view.Name} ... --save {reference.Value}'.");
            case ProfileReferenceKind.Window:
                var selection = await profiler.ProfileLatestRowsAsync(
                    new LatestRowsRequest(definitions, view, repositoryRoot, reference.Start, reference.End!.Value), [], cancellationToken).ConfigureAwait(false);
                return selection.Profile;
            case ProfileReferenceKind.Online:
                if (onlineStore is null)
                {
                    throw new UserInputException("The online store is not available here to profile the online values.");
                }
                view.EnsureServedOnline();
                var store = await onlineStore(cancellationToken).ConfigureAwait(false);
                return await profiler.ProfileRowsAsync(
                    definitions, view, store.ScanViewAsync(definitions, view, cancellationToken), "online", cancellationToken).ConfigureAwait(false);
            default:
                var runs = await profiles.ListRunsAsync(view.Name, 1, cancellationToken).ConfigureAwait(false);
                return runs.Count > 0
                    ? runs[0].Profile
                    : throw new NotFoundException($"No materialization of view '{view.Name}' has recorded a profile yet; run 'featurestore materialize' first.");
        }
    }

    /// <summary>The subject text of a latest-row selection: <c>window:START..END</c>, or <c>window:..END</c> with no lower bound.</summary>
    public static string WindowSubject(DateTimeOffset? start, DateTimeOffset end) =>
        $"window:{(start is { } s ? ProfileReference.FormatTime(s) : "")}..{ProfileReference.FormatTime(end)}";
}
