namespace FeatureStore.Core.Audit;

/// <summary>The outcome of an audit: per feature how often the served value matched the offline one and why not.</summary>
public sealed record AuditReport
{
    public required string Service { get; init; }

    /// <summary>Logged rows audited (one per entity of a request).</summary>
    public required long Rows { get; init; }

    public DateTimeOffset? FirstRequest { get; init; }

    public DateTimeOffset? LastRequest { get; init; }

    /// <summary>The registry versions the audited rows were served from.</summary>
    public IReadOnlyList<int> RegistryVersions { get; init; } = [];

    public required IReadOnlyList<FeatureAudit> Features { get; init; }

    /// <summary>Per view: request time minus served event time over the rows that served a value.</summary>
    public required IReadOnlyList<ViewLogFreshness> Freshness { get; init; }

    /// <summary>Features of the service that the logs do not have (logged before the service gained them).</summary>
    public IReadOnlyList<string> NotLogged { get; init; } = [];

    /// <summary>The Parquet file holding every mismatching row with both values; null when there are none.</summary>
    public string? MismatchFile { get; init; }

    public long Mismatches => Features.Sum(f => f.Mismatches);

    /// <summary>The greatest mismatch rate of any feature (0 when nothing was audited).</summary>
    public double MaxMismatchRate => Features.Count == 0 ? 0 : Features.Max(f => f.MismatchRate);
}

/// <summary>One feature's audit: rows that logged it, matches, and mismatches by cause.</summary>
public sealed record FeatureAudit
{
    /// <summary>As <c>view:feature</c>.</summary>
    public required string Feature { get; init; }

    public required long Rows { get; init; }

    public required long Matches { get; init; }

    public required IReadOnlyDictionary<MismatchCause, long> ByCause { get; init; }

    /// <summary>Offline event time minus served event time over the <c>stale_online</c> rows; null when there are none.</summary>
    public Distribution? StaleLag { get; init; }

    public long Mismatches => Rows - Matches;

    public double MatchRate => Rows == 0 ? 1 : (double)Matches / Rows;

    public double MismatchRate => Rows == 0 ? 0 : (double)Mismatches / Rows;
}

/// <summary>p50, p95 and maximum of a set of durations.</summary>
public sealed record Distribution(TimeSpan P50, TimeSpan P95, TimeSpan Max);

/// <summary>How old the served values of one view were when served: request time minus served event time.</summary>
public sealed record ViewLogFreshness(string View, long Rows, Distribution? Age);
