using FeatureStore.Core.Definitions;
using FeatureStore.Core.Quality;
using FeatureStore.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FeatureStore.Server.Catalog;

/// <summary>Turns a view's recorded quality (<see cref="ViewQuality"/>) into <see cref="CatalogFeatureViewProfile"/>.</summary>
internal static class CatalogProfileMapper
{
    public static CatalogFeatureViewProfile ToProto(ViewQuality quality, int registryVersion, DateTimeOffset now)
    {
        var message = new CatalogFeatureViewProfile
        {
            FeatureView = quality.View,
            RegistryVersion = registryVersion,
            RecordedRuns = quality.RecordedRuns,
        };
        if (quality.NewestEvent is { } newest)
        {
            message.NewestEvent = Timestamp.FromDateTimeOffset(newest);
            message.Freshness = Duration.FromTimeSpan(now > newest ? now - newest : TimeSpan.Zero);
        }
        if (quality.LastRun is not { } run)
        {
            return message;
        }
        message.LastRun = new CatalogProfileRun
        {
            RanAt = Timestamp.FromDateTimeOffset(run.RanAt),
            WindowStart = run.Start is { } start ? Timestamp.FromDateTimeOffset(start) : null,
            WindowEnd = Timestamp.FromDateTimeOffset(run.End),
            Outcome = run.Outcome == RunOutcome.Blocked ? "blocked" : "written",
            RowCount = run.Profile.RowCount,
            Subject = run.Profile.Subject,
            RegistryVersion = (int)run.RegistryVersion,
        };
        message.Checks.AddRange(run.Checks.Select(ToProto));
        var drift = quality.LatestDrift;
        if (drift is not null)
        {
            message.Drift = new CatalogDriftSummary
            {
                RanAt = Timestamp.FromDateTimeOffset(quality.LatestDriftAt ?? run.RanAt),
                Reference = drift.Reference,
                Current = drift.Current,
                WarningThreshold = drift.Thresholds.Warning,
                DriftThreshold = drift.Thresholds.Drift,
                AnyDrift = drift.AnyDrift,
            };
        }
        foreach (var feature in run.Profile.Features)
        {
            var item = ToProto(feature);
            if (drift?.Features.FirstOrDefault(f => f.Feature == feature.Name) is { } featureDrift)
            {
                item.Drift = ToProto(featureDrift);
            }
            if (quality.DriftHistory.TryGetValue(feature.Name, out var points))
            {
                item.DriftHistory.AddRange(points.Select(p => new CatalogDriftPoint
                {
                    RanAt = Timestamp.FromDateTimeOffset(p.RanAt),
                    Score = p.Score,
                    Verdict = Name(p.Verdict),
                }));
            }
            message.Features.Add(item);
        }
        return message;
    }

    public static CatalogCheckResult ToProto(CheckResult check)
    {
        var message = new CatalogCheckResult
        {
            Feature = check.Feature ?? "",
            Check = check.Check,
            Severity = Name(check.Severity),
            Passed = check.Passed,
            Observed = check.Observed,
            Rows = check.Rows,
        };
        message.ExampleKeys.AddRange(check.ExampleKeys);
        return message;
    }

    private static CatalogFeatureProfile ToProto(FeatureProfile feature)
    {
        var message = new CatalogFeatureProfile
        {
            Name = feature.Name,
            Type = feature.Type.ToString(),
            Count = feature.Count,
            Nulls = feature.Nulls,
            NullFraction = feature.NullFraction,
        };
        if (feature.Numeric is { } numeric)
        {
            var n = new CatalogNumericProfile { Nans = numeric.Nans, PercentilesApproximate = numeric.PercentilesApproximate };
            if (numeric.Min is { } min) n.Min = min;
            if (numeric.Max is { } max) n.Max = max;
            if (numeric.Mean is { } mean) n.Mean = mean;
            if (numeric.StdDev is { } std) n.StdDev = std;
            foreach (var percent in NumericProfile.PrintedPercentiles)
            {
                if (numeric.Percentile(percent) is { } value)
                {
                    n.Percentiles.Add(new CatalogPercentile { Percent = percent, Value = value });
                }
            }
            if (numeric.Histogram is { } histogram)
            {
                n.Histogram = new CatalogHistogram();
                n.Histogram.Edges.AddRange(histogram.Edges);
                n.Histogram.Counts.AddRange(histogram.Counts);
            }
            message.Numeric = n;
        }
        if (feature.Text is { } text)
        {
            var t = new CatalogTextProfile { ApproxDistinct = text.ApproxDistinct };
            if (text.LengthMin is { } lmin) t.LengthMin = lmin;
            if (text.LengthMean is { } lmean) t.LengthMean = lmean;
            if (text.LengthMax is { } lmax) t.LengthMax = lmax;
            t.TopValues.AddRange(text.TopValues.Select(v => new CatalogValueCount { Value = v.Value, Count = v.Count }));
            message.Text = t;
        }
        if (feature.Bool is { } flag)
        {
            var b = new CatalogBoolProfile { TrueCount = flag.TrueCount, FalseCount = flag.FalseCount };
            if (flag.TrueFraction is { } fraction) b.TrueFraction = fraction;
            message.Bool = b;
        }
        if (feature.Timestamp is { } time)
        {
            message.Timestamp = new CatalogTimestampProfile
            {
                Min = time.Min is { } tmin ? Timestamp.FromDateTimeOffset(tmin) : null,
                Max = time.Max is { } tmax ? Timestamp.FromDateTimeOffset(tmax) : null,
            };
        }
        if (feature.List is { } list)
        {
            var l = new CatalogListProfile { Elements = list.Elements, ElementNulls = list.ElementNulls };
            if (list.LengthMin is { } lmin) l.LengthMin = lmin;
            if (list.LengthMean is { } lmean) l.LengthMean = lmean;
            if (list.LengthMax is { } lmax) l.LengthMax = lmax;
            message.List = l;
        }
        return message;
    }

    private static CatalogFeatureDrift ToProto(FeatureDrift drift)
    {
        var message = new CatalogFeatureDrift
        {
            Method = drift.Method switch
            {
                DriftMethod.Psi => "psi",
                DriftMethod.JensenShannon => "jensen_shannon",
                _ => "none",
            },
            Verdict = Name(drift.Verdict),
            Note = drift.Note ?? "",
        };
        if (drift.Score is { } score) message.Score = score;
        if (drift.Psi is { } psi) message.Psi = psi;
        if (drift.Ks is { } ks) message.Ks = ks;
        if (drift.JsDistance is { } js) message.JsDistance = js;
        if (drift.ReferenceNullFraction is { } reference) message.ReferenceNullFraction = reference;
        if (drift.CurrentNullFraction is { } current) message.CurrentNullFraction = current;
        return message;
    }

    public static string Name(CheckSeverity severity) => severity == CheckSeverity.Error ? "error" : "warn";

    public static string Name(DriftVerdict verdict) => verdict switch
    {
        DriftVerdict.Ok => "ok",
        DriftVerdict.Warning => "warning",
        DriftVerdict.Drift => "drift",
        _ => "not_compared",
    };
}
