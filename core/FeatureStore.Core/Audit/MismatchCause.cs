namespace FeatureStore.Core.Audit;

/// <summary>
/// Why a logged (served) value differs from the offline recomputation of the same request. Written in reports and
/// mismatch files in snake_case (<see cref="AuditNames"/>).
/// </summary>
public enum MismatchCause
{
    /// <summary>Served NOT_FOUND while offline has a row for the entity: the online store lost or never got it.</summary>
    MissingOnline = 1,

    /// <summary>The served row's event time is older than the offline winner's: materialization lag.</summary>
    StaleOnline = 2,

    /// <summary>The served row's event time is newer than anything offline (or offline has none): written online only, e.g. pushed.</summary>
    OnlineOnly = 3,

    /// <summary>The offline winner was created after the request time (a backfill): the <c>--as-of-created</c> rule excludes it.</summary>
    LateOffline = 4,

    /// <summary>Same event time, different value: the online and offline paths disagree about one version. A bug.</summary>
    ValueDiffers = 5,
}

/// <summary>The snake_case names of <see cref="MismatchCause"/>, as reports, JSON and mismatch files spell them.</summary>
public static class AuditNames
{
    public static IReadOnlyList<MismatchCause> Causes { get; } =
        [MismatchCause.MissingOnline, MismatchCause.StaleOnline, MismatchCause.OnlineOnly, MismatchCause.LateOffline, MismatchCause.ValueDiffers];

    public static string Of(MismatchCause cause) => cause switch
    {
        MismatchCause.MissingOnline => "missing_online",
        MismatchCause.StaleOnline => "stale_online",
        MismatchCause.OnlineOnly => "online_only",
        MismatchCause.LateOffline => "late_offline",
        MismatchCause.ValueDiffers => "value_differs",
        _ => throw new ArgumentOutOfRangeException(nameof(cause), cause, null),
    };
}
