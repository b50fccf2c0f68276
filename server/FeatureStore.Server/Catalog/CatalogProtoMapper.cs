using FeatureStore.Core.Catalog;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Registry;
using FeatureStore.Core.Scheduling;
using FeatureStore.Protos.V1;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;

namespace FeatureStore.Server.Catalog;

/// <summary>Turns catalog results into the wire messages shared by gRPC and the JSON API.</summary>
internal static class CatalogProtoMapper
{
    public static CatalogEntity ToProto(EntityEntry entry)
    {
        var entity = entry.Entity;
        var message = new CatalogEntity
        {
            Name = entity.Name,
            JoinKey = entity.JoinKey,
            ValueType = entity.ValueType.ToString(),
            Description = entity.Description ?? "",
            Owner = entity.Owner ?? "",
        };
        Fill(message.Tags, entity.Tags);
        message.FeatureViews.AddRange(entry.FeatureViews);
        return message;
    }

    public static CatalogSource ToProto(SourceEntry entry) => ToProto(entry.Source, entry.FeatureViews);

    public static CatalogFeatureService ToProto(FeatureServiceEntry entry)
    {
        var service = entry.Service;
        var message = new CatalogFeatureService
        {
            Name = service.Name,
            Description = service.Description ?? "",
            Owner = service.Owner ?? "",
        };
        Fill(message.Tags, service.Tags);
        message.Features.AddRange(entry.Features.Select(f => f.ToString()));
        message.FeatureViews.AddRange(entry.FeatureViews);
        return message;
    }

    public static CatalogFeatureView ToProto(FeatureViewDetail detail, DateTimeOffset now)
    {
        var view = detail.View;
        var message = new CatalogFeatureView
        {
            Name = view.Name,
            Description = view.Description ?? "",
            Owner = view.Owner ?? "",
            Ttl = Duration.FromTimeSpan(view.Ttl),
            Online = view.Online,
            Source = ToProto(detail.Source, [view.Name]),
            Freshness = ToProto(detail.Freshness, view.Ttl, now),
        };
        Fill(message.Tags, view.Tags);
        foreach (var feature in view.Features)
        {
            var field = new CatalogFeature { Name = feature.Name, Type = feature.Type.ToString(), Description = feature.Description ?? "" };
            Fill(field.Tags, feature.Tags);
            message.Features.Add(field);
        }
        message.Entities.AddRange(detail.Entities.Select(e => ToProto(new EntityEntry(e, []))));
        if (detail.LastChangedIn is { } changed)
        {
            message.LastChangedIn = new CatalogVersionRef { Number = changed.Number, AppliedAt = Timestamp.FromDateTimeOffset(changed.AppliedAt) };
        }
        message.FeatureServices.AddRange(detail.UsedByServices);
        if (MaterializationScheduler.For(view, detail.Freshness?.State, now) is { } schedule)
        {
            message.Schedule = schedule.Schedule.Text;
            if (schedule.NextRun is { } next) message.NextMaterialization = Timestamp.FromDateTimeOffset(next);
        }
        return message;
    }

    public static CatalogSearchHit ToProto(SearchHit hit)
    {
        var message = new CatalogSearchHit
        {
            Kind = hit.Kind == SearchHitKind.Feature ? "feature" : "feature_view",
            Reference = hit.Reference,
            FeatureView = hit.View,
            Feature = hit.Feature ?? "",
            Match = Snake(hit.Match.ToString()),
            Type = hit.Type?.ToString() ?? "",
            Description = hit.Description ?? "",
            Owner = hit.Owner ?? "",
        };
        Fill(message.Tags, hit.Tags);
        return message;
    }

    public static CatalogVersion ToProto(RegistryVersion version)
    {
        var message = new CatalogVersion
        {
            Number = version.Number,
            AppliedAt = Timestamp.FromDateTimeOffset(version.AppliedAt),
            Hash = version.Hash,
            Summary = DiffFormatter.Summarize(version.Diff),
            DiffText = DiffFormatter.Format(version.Diff),
        };
        foreach (var change in version.Diff.Changes)
        {
            var changeMessage = new CatalogObjectChange
            {
                Kind = Snake(change.Kind.ToString()),
                Name = change.Name,
                Change = Snake(change.Type.ToString()),
            };
            foreach (var field in change.Fields)
            {
                var fieldMessage = new CatalogFieldChange { Field = field.Field };
                if (field.Before is not null)
                {
                    fieldMessage.Before = field.Before;
                }
                if (field.After is not null)
                {
                    fieldMessage.After = field.After;
                }
                changeMessage.Fields.Add(fieldMessage);
            }
            message.Changes.Add(changeMessage);
        }
        return message;
    }

    private static CatalogSource ToProto(SourceDefinition source, IEnumerable<string> views)
    {
        var message = new CatalogSource
        {
            Name = source.Name,
            Path = source.Path,
            TimestampField = source.TimestampField,
            CreatedTimestampField = source.CreatedTimestampField ?? "",
            BatchSource = source.BatchSource ?? "",
            Description = source.Description ?? "",
            Owner = source.Owner ?? "",
        };
        Fill(message.FieldMapping, source.FieldMapping);
        Fill(message.Tags, source.Tags);
        message.FeatureViews.AddRange(views);
        return message;
    }

    private static CatalogFreshness ToProto(ViewFreshness? freshness, TimeSpan ttl, DateTimeOffset now)
    {
        if (freshness is null)
        {
            return new CatalogFreshness { Materialized = false };
        }
        var state = freshness.State;
        var message = new CatalogFreshness
        {
            Materialized = true,
            RowsWritten = state.RowsWritten,
            LastRunDuration = Duration.FromTimeSpan(state.Duration),
            Stale = freshness.IsStaleAt(now, ttl),
        };
        if (state.Watermark is { } watermark) message.Watermark = Timestamp.FromDateTimeOffset(watermark);
        if (state.LastRunAt is { } lastRunAt) message.LastRunAt = Timestamp.FromDateTimeOffset(lastRunAt);
        if (state.LastRunStart is { } start) message.LastRunStart = Timestamp.FromDateTimeOffset(start);
        if (state.LastRunEnd is { } end) message.LastRunEnd = Timestamp.FromDateTimeOffset(end);
        if (freshness.AgeAt(now) is { } age) message.Age = Duration.FromTimeSpan(age);
        return message;
    }

    private static void Fill(MapField<string, string> target, IReadOnlyDictionary<string, string> source)
    {
        foreach (var (key, value) in source.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            target[key] = value;
        }
    }

    /// <summary><c>FeatureView</c> → <c>feature_view</c>, the spelling used on the wire.</summary>
    internal static string Snake(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
