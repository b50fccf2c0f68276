using FeatureStore.Server.Serving;

namespace FeatureStore.Server.Ingestion;

/// <summary>
/// A push or write-to-online-store request as it arrived, transport-neutral: the HTTP and gRPC readers produce it,
/// <see cref="PushService"/> checks and writes it. Values are as sent (long, SentNumber, double, float, int, bool,
/// string, byte[], DateTimeOffset, arrays for lists, null); <see cref="PushValueConverter"/> turns them into the
/// declared types.
/// </summary>
public sealed record PushRequest(PushTargetKind Kind, string Name, IReadOnlyList<PushColumn> Columns, PushTo To, KeyEncoding Encoding);

/// <summary>What a request names: a push source (<c>/push</c>) or one feature view (<c>/write-to-online-store</c>).</summary>
public enum PushTargetKind
{
    PushSource,
    FeatureView,
}

/// <summary>One column of the request's data frame, as sent.</summary>
public sealed record PushColumn(string Name, IReadOnlyList<object?> Values);
