using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using FeatureStore.Server.Errors;
using FeatureStore.Server.HttpApi;
using FeatureStore.Server.Metrics;

namespace FeatureStore.Server.Ingestion;

/// <summary>
/// Feast's write endpoints, <c>POST /push</c> and <c>POST /write-to-online-store</c>: same bodies, answered with a
/// JSON summary <c>{"rows": n, "written": n, "already_current": n, "offline_rows": n}</c>. Failures are answered by
/// <see cref="ApiErrorMiddleware"/> in Feast's shape; this only counts them.
/// </summary>
internal static class PushEndpoints
{
    public const string PushPath = "/push";
    public const string WriteToOnlineStorePath = "/write-to-online-store";

    public static Task PushAsync(HttpContext context, PushService service, ServingMetrics metrics) =>
        HandleAsync(context, service, metrics, PushTargetKind.PushSource, "push");

    public static Task WriteToOnlineStoreAsync(HttpContext context, PushService service, ServingMetrics metrics) =>
        HandleAsync(context, service, metrics, PushTargetKind.FeatureView, "write-to-online-store");

    private static async Task HandleAsync(
        HttpContext context, PushService service, ServingMetrics metrics, PushTargetKind kind, string method)
    {
        var started = Stopwatch.GetTimestamp();
        var status = "OK";
        var cancellation = context.RequestAborted;
        try
        {
            JsonContentType.Ensure(context.Request);
            var request = await FeastPushRequestReader.ReadAsync(context.Request.Body, kind, cancellation);
            var summary = await service.PushAsync(request, cancellation);
            var buffer = new ArrayBufferWriter<byte>(128);
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteNumber("rows", summary.Rows);
                json.WriteNumber("written", summary.Written);
                json.WriteNumber("already_current", summary.AlreadyCurrent);
                json.WriteNumber("offline_rows", summary.OfflineRows);
                json.WriteEndObject();
            }
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = buffer.WrittenCount;
            await context.Response.Body.WriteAsync(buffer.WrittenMemory, cancellation);
        }
        catch (Exception ex)
        {
            status = ApiError.From(ex, cancellation).Code;
            throw;
        }
        finally
        {
            metrics.RecordRequest("http", method, status, ServingMetrics.Since(started));
        }
    }
}
