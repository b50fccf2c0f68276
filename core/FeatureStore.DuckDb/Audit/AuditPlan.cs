using FeatureStore.Core.Definitions;

namespace FeatureStore.DuckDb;

/// <summary>
/// A training-set plan turned into the audit's recomputation: the entity rows are the log rows, as their identity
/// (<see cref="AuditSql.RowId"/>), join keys, request time (also as µs), registry version and, per view, the served
/// fingerprint and age (<see cref="AuditSql.ProbeColumns"/>); <see cref="LogColumns"/> are the audited columns that join
/// back to the rows whose fingerprint differs (request id and time, registry version, join keys, and the served value, status and event timestamp of
/// each feature); feature <c>j</c> comes out as <c>__audit_v{j}</c>, and per view <c>i</c> two more "features" carry the
/// winning source row's event timestamp (<c>__audit_e{i}</c>) and created timestamp (<c>__audit_c{i}</c>) through the
/// very same join, TTL bound included.
/// </summary>
internal sealed record AuditPlan(
    TrainingSetPlan Plan, IReadOnlyList<AuditFeature> Features, IReadOnlyList<AuditView> Views, IReadOnlyList<string> Keys, IReadOnlyList<string> LogColumns)
{
    public static AuditPlan From(TrainingSetPlan plan, DefinitionSet definitions, IReadOnlyList<string> logColumns)
    {
        var keys = plan.Views.SelectMany(v => v.Keys.Select(k => k.JoinKey)).Distinct().Order(StringComparer.Ordinal).ToArray();
        var features = new List<AuditFeature>();
        var output = new List<OutputFeature>();
        for (var j = 0; j < plan.Features.Count; j++)
        {
            var feature = plan.Features[j];
            var type = definitions.GetFeatureView(feature.Reference.View).FindFeature(feature.Reference.Feature)!.Type;
            features.Add(new AuditFeature(j, feature.Reference, type, feature.ViewIndex));
            output.Add(feature with { OutputName = AuditSql.OfflineValue(j) });
        }
        var position = plan.Features.Max(f => f.Position) + 1;
        var views = new List<AuditView>();
        for (var i = 0; i < plan.Views.Count; i++)
        {
            var view = plan.Views[i];
            output.Add(new OutputFeature(position++, new FeatureReference(view.View.Name, "__event"), i, view.EventTimestampSql, "TIMESTAMP", AuditSql.OfflineEvent(i)));
            if (view.CreatedTimestampSql is { } created)
            {
                output.Add(new OutputFeature(position++, new FeatureReference(view.View.Name, "__created"), i, created, "TIMESTAMP", AuditSql.OfflineCreated(i)));
            }
            views.Add(new AuditView(i, view.View.Name, view.CreatedTimestampSql is not null, features.First(f => f.ViewIndex == i).Index));
        }
        return new AuditPlan(
            plan with { EntityColumns = AuditSql.ProbeColumns(keys, views.Count), Features = output },
            features, views, keys, logColumns);
    }
}

/// <summary>One audited feature: its index (column suffix), reference, type and view index.</summary>
internal sealed record AuditFeature(int Index, FeatureReference Reference, FeatureType Type, int ViewIndex);

/// <summary>One view of the audited features; <see cref="FirstFeature"/> gives its served event time for freshness.</summary>
internal sealed record AuditView(int Index, string Name, bool HasCreated, int FirstFeature);
