using FeatureStore.Core.Definitions;

namespace FeatureStore.DuckDb;

/// <summary>
/// A training-set plan turned into the audit's recomputation: the entity rows are the log rows, as their identity
/// (<see cref="AuditSql.RowId"/>), join keys, request time (also as µs), registry version and, per view, the served
/// fingerprint and age (<see cref="AuditSql.ProbeColumns"/>). <see cref="LogColumns"/> are the audited columns that
/// join back to the rows whose fingerprints differ (request id and time, registry version, join keys, and the served
/// value, status and event timestamp of each feature). Feature <c>j</c> comes out as <c>__audit_v{j}</c>, and per
/// view <c>i</c> more "features" carry the winning source row's event timestamp (<c>__audit_e{i}</c>), created
/// timestamp (<c>__audit_c{i}</c>) and fingerprint (<c>__audit_ofp{i}</c>) through the very same join, TTL bound
/// included. <see cref="FingerprintPlan"/> is the same join carrying only the fingerprints, for the pass over every
/// row.
/// </summary>
internal sealed record AuditPlan(
    TrainingSetPlan Plan,
    TrainingSetPlan FingerprintPlan,
    IReadOnlyList<AuditFeature> Features,
    IReadOnlyList<AuditView> Views,
    IReadOnlyList<string> Keys,
    IReadOnlyList<string> LogColumns)
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
        var fingerprints = new List<OutputFeature>();
        for (var i = 0; i < plan.Views.Count; i++)
        {
            var view = plan.Views[i];
            var viewFeatures = plan.Features.Where(f => f.ViewIndex == i).ToArray();
            fingerprints.Add(new OutputFeature(
                position++, new FeatureReference(view.View.Name, "__fingerprint"), i, AuditSql.SourceFingerprintSql(viewFeatures), "UBIGINT",
                AuditSql.OfflineFingerprint(i)));
            output.Add(new OutputFeature(position++, new FeatureReference(view.View.Name, "__event"), i, view.EventTimestampSql, "TIMESTAMP", AuditSql.OfflineEvent(i)));
            if (view.CreatedTimestampSql is { } created)
            {
                output.Add(new OutputFeature(position++, new FeatureReference(view.View.Name, "__created"), i, created, "TIMESTAMP", AuditSql.OfflineCreated(i)));
            }
            views.Add(new AuditView(i, view.View.Name, view.CreatedTimestampSql is not null, features.First(f => f.ViewIndex == i).Index));
        }
        var probes = AuditSql.ProbeColumns(keys, views.Count);
        return new AuditPlan(
            plan with { EntityColumns = probes, Features = [.. output, .. fingerprints] },
            plan with { EntityColumns = probes, Features = fingerprints },
            features, views, keys, logColumns);
    }
}

/// <summary>One audited feature: its index (column suffix), reference, type and view index.</summary>
internal sealed record AuditFeature(int Index, FeatureReference Reference, FeatureType Type, int ViewIndex);

/// <summary>One view of the audited features; <see cref="FirstFeature"/> gives its served event time for freshness.</summary>
internal sealed record AuditView(int Index, string Name, bool HasCreated, int FirstFeature);
