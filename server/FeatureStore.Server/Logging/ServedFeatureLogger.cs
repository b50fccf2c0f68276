using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Logging;
using FeatureStore.Core.Online;
using FeatureStore.Server.Serving;

namespace FeatureStore.Server.Logging;

/// <summary>
/// Decides whether an answer is logged and turns it into a <see cref="LoggedRequest"/>: answers for a feature
/// service with <c>logging: {sample_rate: R}</c>, each with probability R, and, with <c>logging.log_ad_hoc: true</c>,
/// every answer to a request that named features directly. The transports call <see cref="Sample"/> once the answer is
/// built (to return the request id with it) and <see cref="Append"/> once it is sent; neither waits on anything.
/// </summary>
public sealed class ServedFeatureLogger
{
    public const string HttpHeader = "x-request-id";
    public const string GrpcTrailer = "request-id";

    /// <summary>Per applied definitions: the logging plan of each service (null: not logged), ad-hoc schemas by feature list.</summary>
    private readonly ConditionalWeakTable<DefinitionSet, Plans> _plans = new();
    private readonly ServedFeatureLog _log;
    private readonly bool _logAdHoc;

    public ServedFeatureLogger(ServedFeatureLog log, FeatureLoggingConfig settings)
    {
        _log = log;
        _logAdHoc = settings.LogAdHoc;
    }

    /// <summary>The log entry of an answer when it is to be logged (sampled), else null.</summary>
    public LoggedRequest? Sample(ServingResult result)
    {
        if (result.Snapshot is not { } snapshot || result.RowCount == 0)
        {
            return null;
        }
        var plans = _plans.GetValue(snapshot.Definitions, static d => new Plans(d));
        LogSchema? schema;
        if (result.FeatureService is { } service)
        {
            if (plans.ForService(service, result.Features.Features) is not { } plan
                || (plan.Rate < 1 && Random.Shared.NextDouble() >= plan.Rate))
            {
                return null;
            }
            schema = plan.Schema;
        }
        else if (_logAdHoc)
        {
            schema = plans.ForAdHoc(result.Features.Features);
        }
        else
        {
            return null;
        }
        var keys = new IReadOnlyList<object?>[schema.Keys.Count];
        for (var k = 0; k < keys.Length; k++)
        {
            var joinKey = schema.Keys[k].JoinKey;
            keys[k] = result.KeyColumns.First(c => c.JoinKey == joinKey).Values;
        }
        return new LoggedRequest(
            schema, Guid.CreateVersion7().ToString("N"), TimestampMicros.FromDateTimeOffset(result.ReadTime), snapshot.Version?.Number ?? 0,
            keys, result.Features.Columns, result.RowCount);
    }

    /// <summary>Queues the entry for the background writer; drops (and counts) it when the queue is full.</summary>
    public void Append(LoggedRequest entry) => _log.TryAppend(entry);

    private sealed class Plans(DefinitionSet definitions)
    {
        private const int MaxAdHocSchemas = 1024;

        private readonly ConcurrentDictionary<string, ServicePlan?> _services = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<IReadOnlyList<FeatureReference>, LogSchema> _adHoc = new(ReferenceEqualityComparer.Instance);

        public ServicePlan? ForService(string service, IReadOnlyList<FeatureReference> features) =>
            _services.GetOrAdd(service, name =>
                definitions.FeatureServices.FirstOrDefault(s => s.Name == name)?.Logging is { } logging
                    ? new ServicePlan(logging.SampleRate, LogSchema.For(definitions, name, features))
                    : null);

        public LogSchema ForAdHoc(IReadOnlyList<FeatureReference> features)
        {
            if (_adHoc.TryGetValue(features, out var schema))
            {
                return schema;
            }
            schema = LogSchema.For(definitions, null, features);
            if (_adHoc.Count < MaxAdHocSchemas)
            {
                _adHoc.TryAdd(features, schema);
            }
            return schema;
        }
    }

    private sealed record ServicePlan(double Rate, LogSchema Schema);
}
