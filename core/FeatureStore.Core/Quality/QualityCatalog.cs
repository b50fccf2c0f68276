namespace FeatureStore.Core.Quality;

/// <summary>
/// The read side of the profile store for the catalog page, its API and metrics: one call per view gives the data
/// they show (latest profile, last checks, drift, drift history, newest event).
/// </summary>
public sealed class QualityCatalog(IProfileStore profiles)
{
    public async Task<ViewQuality> GetAsync(string view, int history = FileProfileStore.DefaultHistoryLimit, CancellationToken cancellationToken = default)
    {
        var runs = await profiles.ListRunsAsync(view, history, cancellationToken).ConfigureAwait(false);
        var drift = new Dictionary<string, List<DriftPoint>>(StringComparer.Ordinal);
        foreach (var run in runs.Reverse())
        {
            foreach (var feature in run.Drift?.Features ?? [])
            {
                if (feature.Score is { } score)
                {
                    if (!drift.TryGetValue(feature.Feature, out var points))
                    {
                        drift[feature.Feature] = points = [];
                    }
                    points.Add(new DriftPoint(run.RanAt, score, feature.Verdict));
                }
            }
        }
        return new ViewQuality
        {
            View = view,
            LastRun = runs.FirstOrDefault(),
            LatestDrift = runs.FirstOrDefault(r => r.Drift is not null)?.Drift,
            DriftHistory = drift.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<DriftPoint>)kv.Value, StringComparer.Ordinal),
            NewestEvent = runs.Where(r => r.Outcome == RunOutcome.Written).Select(r => r.Profile.NewestEvent).Max(),
            RecordedRuns = runs.Count,
        };
    }
}
