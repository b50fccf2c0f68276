using System.Diagnostics;
using FeatureStore.Client;
using FeatureStore.Core.Errors;
using FeatureStore.Protos.V1;
using V1 = FeatureStore.Protos.V1;
using FeatureStore.Server.Errors;
using FeatureStore.Server.Metrics;
using FeatureStore.Server.Serving;
using Google.Protobuf.Collections;
using Grpc.Core;

namespace FeatureStore.Server.Ingestion;

/// <summary>
/// The gRPC <c>featurestore.v1.FeatureIngestion</c> service over <see cref="PushService"/>. Access is checked before
/// it runs (the module marks it as needing write access); failures are answered by
/// <see cref="ApiErrorInterceptor"/>; this only counts them.
/// </summary>
internal sealed class IngestionGrpcService(PushService service, ServingMetrics metrics) : FeatureIngestion.FeatureIngestionBase
{
    public override Task<PushResponse> Push(V1.PushRequest request, ServerCallContext context) =>
        RunAsync("Push", new PushRequest(PushTargetKind.PushSource, request.PushSourceName, Columns(request.Df), To(request.To), KeyEncoding.Typed), context);

    public override Task<PushResponse> WriteToOnlineStore(WriteToOnlineStoreRequest request, ServerCallContext context) =>
        RunAsync("WriteToOnlineStore", new PushRequest(PushTargetKind.FeatureView, request.FeatureViewName, Columns(request.Df), PushTo.Online, KeyEncoding.Typed), context);

    private async Task<PushResponse> RunAsync(string method, PushRequest request, ServerCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var status = "OK";
        try
        {
            if (string.IsNullOrWhiteSpace(request.Name))
            {
                throw new UserInputException(request.Kind == PushTargetKind.PushSource
                    ? "Give 'push_source_name': the push source to write to."
                    : "Give 'feature_view_name': the feature view to write to.");
            }
            var summary = await service.PushAsync(request, context.CancellationToken);
            return new PushResponse
            {
                Rows = summary.Rows,
                Written = summary.Written,
                AlreadyCurrent = summary.AlreadyCurrent,
                OfflineRows = summary.OfflineRows,
            };
        }
        catch (Exception ex)
        {
            status = ApiError.From(ex, context.CancellationToken).Code;
            throw;
        }
        finally
        {
            metrics.RecordRequest("grpc", method, status, ServingMetrics.Since(started));
        }
    }

    private static List<PushColumn> Columns(MapField<string, RepeatedValue> frame)
    {
        var columns = new List<PushColumn>(frame.Count);
        foreach (var (name, column) in frame)
        {
            var values = new object?[column?.Val.Count ?? 0];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = ValueConversion.ToObject(column!.Val[i]);
            }
            columns.Add(new PushColumn(name, values));
        }
        return columns;
    }

    private static PushTo To(PushMode mode) => mode switch
    {
        PushMode.Unspecified or PushMode.Online => PushTo.Online,
        PushMode.Offline => PushTo.Offline,
        PushMode.OnlineAndOffline => PushTo.OnlineAndOffline,
        _ => throw new UserInputException($"'to' is {(int)mode}, which is not a push mode (1 online, 2 offline, 3 online and offline)."),
    };
}
