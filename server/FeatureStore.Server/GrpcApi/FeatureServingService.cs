using System.Diagnostics;
using FeatureStore.Protos.V1;
using FeatureStore.Server.Metrics;
using FeatureStore.Server.Serving;
using Grpc.Core;

namespace FeatureStore.Server.GrpcApi;

/// <summary>The gRPC <c>featurestore.v1.FeatureServing</c> service over <see cref="OnlineServing"/>.</summary>
internal sealed class FeatureServingService(
    OnlineServing serving,
    ServingMetrics metrics,
    ILogger<FeatureServingService> logger) : FeatureServing.FeatureServingBase
{
    private const string Method = "GetOnlineFeatures";

    public override async Task<GetOnlineFeaturesResponse> GetOnlineFeatures(GetOnlineFeaturesRequest request, ServerCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCode.OK;
        try
        {
            var result = await serving.ReadAsync(GrpcRequestReader.Read(request), context.CancellationToken);
            return GrpcResponseWriter.Write(result);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            status = StatusCode.Cancelled;
            throw new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled."));
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            var error = ServingError.From(ex);
            status = error.GrpcStatus;
            if (error.GrpcStatus is StatusCode.Internal)
            {
                logger.LogError(ex, "GetOnlineFeatures failed.");
            }
            else if (error.GrpcStatus is StatusCode.Unavailable)
            {
                logger.LogDebug("GetOnlineFeatures: {Message}", ex.Message);
            }
            throw new RpcException(new Status(error.GrpcStatus, error.Message));
        }
        finally
        {
            metrics.RecordRequest("grpc", Method, ServingError.CodeName(status), ServingMetrics.Since(started));
        }
    }
}
