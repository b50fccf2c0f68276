using System.Diagnostics;
using FeatureStore.Protos.V1;
using FeatureStore.Server.Errors;
using FeatureStore.Server.Logging;
using FeatureStore.Server.Metrics;
using FeatureStore.Server.Serving;
using Grpc.Core;

namespace FeatureStore.Server.GrpcApi;

/// <summary>
/// The gRPC <c>featurestore.v1.FeatureServing</c> service over <see cref="OnlineServing"/>. Failures are answered by
/// <see cref="ApiErrorInterceptor"/>; this only counts them.
/// </summary>
internal sealed class FeatureServingService(OnlineServing serving, ServingMetrics metrics, ServedFeatureLogger log) : FeatureServing.FeatureServingBase
{
    private const string Method = "GetOnlineFeatures";

    public override async Task<GetOnlineFeaturesResponse> GetOnlineFeatures(GetOnlineFeaturesRequest request, ServerCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var status = "OK";
        try
        {
            var result = await serving.ReadAsync(GrpcRequestReader.Read(request), context.CancellationToken);
            var response = GrpcResponseWriter.Write(result);
            if (log.Sample(result) is { } logged)
            {
                context.ResponseTrailers.Add(ServedFeatureLogger.GrpcTrailer, logged.RequestId);
                log.Append(logged);
            }
            return response;
        }
        catch (Exception ex)
        {
            status = ApiError.From(ex, context.CancellationToken).Code;
            throw;
        }
        finally
        {
            metrics.RecordRequest("grpc", Method, status, ServingMetrics.Since(started));
        }
    }
}
