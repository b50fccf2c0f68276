namespace FeatureStore.Tests.Offline;

/// <summary>
/// A deliberately simple point-in-time join written from the wording with nested loops, independent of the
/// production SQL and of LatestValueRule, so the two can be compared on random data.
/// </summary>
public static class ReferenceJoin
{
    /// <summary>Expected feature values, one array per entity row (in entity order), one value per requested feature.</summary>
    public static List<object?[]> Compute(
        PointInTimeScenario scenario, IReadOnlyList<(string View, string Feature)> features, IReadOnlyList<EntityRow> entities, bool asOfCreated)
    {
        var result = new List<object?[]>();
        foreach (var entity in entities)
        {
            var t = entity.Time;
            var values = new object?[features.Count];
            for (var f = 0; f < features.Count; f++)
            {
                var view = scenario.Views[features[f].View];
                var wanted = view.JoinKeys.Select(k => k == "driver_id" ? (object)entity.DriverId : entity.CustomerId).ToArray();
                SourceRow? best = null;
                foreach (var row in view.Rows)
                {
                    var sameKey = true;
                    for (var k = 0; k < wanted.Length; k++)
                    {
                        sameKey &= Equals(row.Keys[k], wanted[k]);
                    }
                    if (!sameKey)
                    {
                        continue;
                    }
                    // Candidate: event <= t, and event >= t - TTL when the view has a TTL (both inclusive).
                    if (row.Event > t)
                    {
                        continue;
                    }
                    if (view.Ttl > TimeSpan.Zero && row.Event < t - view.Ttl)
                    {
                        continue;
                    }
                    if (asOfCreated && row.Created is { } created && created > t)
                    {
                        continue;
                    }
                    if (best is null || IsNewer(row, best))
                    {
                        best = row;
                    }
                }
                values[f] = best?.Values[view.Features.ToList().IndexOf(features[f].Feature)];
            }
            result.Add(values);
        }
        return result;
    }

    /// <summary>Greater event timestamp wins; on equal ones the greater created timestamp; no created timestamp loses.</summary>
    private static bool IsNewer(SourceRow a, SourceRow b)
    {
        if (a.Event != b.Event)
        {
            return a.Event > b.Event;
        }
        if (a.Created is null)
        {
            return false;
        }
        return b.Created is null || a.Created > b.Created;
    }
}
