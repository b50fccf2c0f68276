using FeatureStore.Core.Definitions;
using FeatureStore.Core.Online;

namespace FeatureStore.Core.Logging;

/// <summary>
/// The column names of a served-feature log, one spelling for the writer, the audit and training sets built from a
/// log: <c>request_id</c>, <c>request_time</c>, <c>registry_version</c>, the join keys under their own names, then
/// per feature <c>view__feature</c> (the value), <c>view__feature__status</c> and <c>view__feature__event_timestamp</c>.
/// </summary>
public static class LogColumns
{
    public const string RequestId = "request_id";
    public const string RequestTime = "request_time";
    public const string RegistryVersion = "registry_version";

    /// <summary>The columns every log file has besides join keys and features.</summary>
    public static IReadOnlyList<string> Reserved { get; } = [RequestId, RequestTime, RegistryVersion];

    public static bool IsReserved(string name) => Reserved.Contains(name, StringComparer.OrdinalIgnoreCase);

    public static string Value(FeatureReference feature) => $"{feature.View}__{feature.Feature}";

    public static string Status(FeatureReference feature) => $"{feature.View}__{feature.Feature}__status";

    public static string EventTimestamp(FeatureReference feature) => $"{feature.View}__{feature.Feature}__event_timestamp";

    /// <summary>A status as logged: Feast's names, as the serving APIs spell them.</summary>
    public static string StatusName(FeatureStatus status) => status switch
    {
        FeatureStatus.Present => "PRESENT",
        FeatureStatus.NullValue => "NULL_VALUE",
        FeatureStatus.NotFound => "NOT_FOUND",
        FeatureStatus.OutsideMaxAge => "OUTSIDE_MAX_AGE",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
