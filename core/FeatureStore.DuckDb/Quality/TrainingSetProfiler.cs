using DuckDB.NET.Data;
using FeatureStore.Core.Quality;

namespace FeatureStore.DuckDb;

/// <summary>
/// Profiles a training set's feature columns, every view's at once in one <see cref="ProfileQuery"/> over the rows
/// the file will hold, and splits the result into one profile per view (in the plan's view order).
/// </summary>
internal static class TrainingSetProfiler
{
    public static async Task<IReadOnlyList<FeatureViewProfile>> ProfileAsync(
        DuckDBConnection connection, string table, TrainingSetPlan plan, string subject, CancellationToken cancellationToken)
    {
        var columns = plan.Features.Select(f =>
        {
            var view = plan.Views[f.ViewIndex].View;
            return new ProfileColumn(view.Name, view.FindFeature(f.Reference.Feature)!, SqlIdentifier.Quote(f.OutputName), TimestampsAsMicros: false);
        }).ToArray();
        var result = await ProfileQuery.RunAsync(connection, table, columns, [], [], cancellationToken).ConfigureAwait(false);
        var computedAt = DateTimeOffset.UtcNow;
        return plan.Views.Select(v => new FeatureViewProfile
        {
            View = v.View.Name,
            Subject = subject,
            ComputedAt = computedAt,
            RowCount = result.RowCount,
            Features = result.Features.Where((_, i) => columns[i].View == v.View.Name).ToArray(),
        }).ToArray();
    }
}
