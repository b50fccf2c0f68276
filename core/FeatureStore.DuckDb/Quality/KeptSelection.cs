using System.Diagnostics;
using DuckDB.NET.Data;
using FeatureStore.Core.Online;
using FeatureStore.Core.Quality;

namespace FeatureStore.DuckDb;

/// <summary>
/// A latest-row selection kept in a temporary table of its scan's connection, so it is profiled and checked before
/// anything reads it and then streamed from the table: the selection (the expensive part, a scan and aggregation
/// of the source) runs once, and the profile costs one aggregation and one bucketing pass over the kept rows.
/// Columns are named <c>k0..</c> (join keys), <c>__fs_e</c>, <c>__fs_c</c>, <c>f0..</c> (features), in
/// <see cref="LatestRowLayout"/> order, timestamps as µs.
/// </summary>
internal static class KeptSelection
{
    public const string Table = "__fs_selection";

    public static string ReadSql => $"SELECT * FROM {Table}";

    /// <summary>The statement that keeps the rows of <paramref name="selectionSql"/> (same parameters).</summary>
    public static string CreateSql(LatestRowLayout layout, string selectionSql)
    {
        var names = Keys(layout).Concat(["__fs_e", "__fs_c"]).Concat(Features(layout));
        return $"CREATE TEMP TABLE {Table} AS SELECT * FROM (\n{selectionSql}\n) AS __fs_q({string.Join(", ", names)})";
    }

    /// <summary>Profiles the kept rows with the row checks' counts.</summary>
    public static async Task<SelectionProfile> ProfileAsync(
        DuckDBConnection connection, LatestRowLayout layout, IReadOnlyList<RowCheck> checks, string subject,
        TimeSpan selectionTime, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var view = layout.View;
        var columns = view.Features.Select((f, i) => new ProfileColumn(view.Name, f, $"f{i}", TimestampsAsMicros: true)).ToArray();
        var keys = layout.KeyEntities.Select((e, i) => new ProfileKeyColumn(e, $"k{i}")).ToArray();
        var result = await ProfileQuery.RunAsync(connection, Table, columns, checks, keys, cancellationToken, eventMicrosSql: "__fs_e").ConfigureAwait(false);
        var profile = new FeatureViewProfile
        {
            View = view.Name,
            Subject = subject,
            ComputedAt = DateTimeOffset.UtcNow,
            RowCount = result.RowCount,
            NewestEvent = result.NewestEvent,
            Features = result.Features,
        };
        return new SelectionProfile(profile, result.Checks) { SelectionTime = selectionTime, ProfileTime = clock.Elapsed };
    }

    private static IEnumerable<string> Keys(LatestRowLayout layout) => layout.KeyEntities.Select((_, i) => $"k{i}");

    private static IEnumerable<string> Features(LatestRowLayout layout) => layout.Features.Select((_, i) => $"f{i}");
}
