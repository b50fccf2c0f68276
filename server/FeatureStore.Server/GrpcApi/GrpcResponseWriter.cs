using FeatureStore.Client;
using FeatureStore.Core.Online;
using FeatureStore.Protos.V1;
using FeatureStore.Server.Serving;
using Value = FeatureStore.Protos.V1.Value;

namespace FeatureStore.Server.GrpcApi;

/// <summary>Turns a <see cref="ServingResult"/> into the protobuf response: join key columns first, then features.</summary>
internal static class GrpcResponseWriter
{
    public static GetOnlineFeaturesResponse Write(ServingResult result)
    {
        var response = new GetOnlineFeaturesResponse { Metadata = new GetOnlineFeaturesResponseMetadata() };
        response.Metadata.FeatureNames.Add(result.Names);
        foreach (var key in result.KeyColumns)
        {
            var vector = new GetOnlineFeaturesResponse.Types.FeatureVector();
            foreach (var value in key.Values)
            {
                vector.Values.Add(ValueConversion.ToValue(value));
                vector.Statuses.Add(FieldStatus.Present);
                vector.EventTimestampsMicros.Add(0);
            }
            response.Results.Add(vector);
        }
        foreach (var column in result.Features.Columns)
        {
            var vector = new GetOnlineFeaturesResponse.Types.FeatureVector();
            foreach (var value in column)
            {
                vector.Values.Add(value.Value is null ? new Value() : ValueConversion.ToValue(value.Value));
                vector.Statuses.Add(ToStatus(value.Status));
                vector.EventTimestampsMicros.Add(value.EventTimestamp is { } time ? TimestampMicros.FromDateTimeOffset(time) : 0);
            }
            response.Results.Add(vector);
        }
        return response;
    }

    public static FieldStatus ToStatus(FeatureStatus status) => status switch
    {
        FeatureStatus.Present => FieldStatus.Present,
        FeatureStatus.NullValue => FieldStatus.NullValue,
        FeatureStatus.NotFound => FieldStatus.NotFound,
        FeatureStatus.OutsideMaxAge => FieldStatus.OutsideMaxAge,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown feature status."),
    };
}
