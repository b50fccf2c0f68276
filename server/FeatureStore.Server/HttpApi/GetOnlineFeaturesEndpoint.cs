using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using FeatureStore.Server.Metrics;
using FeatureStore.Server.Serving;

namespace FeatureStore.Server.HttpApi;

/// <summary>
/// <c>POST /get-online-features</c>, Feast's feature server endpoint: same body, same response shape, so an existing
/// Feast HTTP client works unchanged. Any content type is accepted (Feast's own client posts without one).
/// Errors are <c>{"detail": message, "code": "INVALID_ARGUMENT", "status": 400}</c> with the matching HTTP status.
/// </summary>
internal static class GetOnlineFeaturesEndpoint
{
    public const string Path = "/get-online-features";
    private const string Method = "get-online-features";

    public static async Task HandleAsync(HttpContext context, OnlineServing serving, ServingMetrics metrics, ILoggerFactory loggers)
    {
        var started = Stopwatch.GetTimestamp();
        var status = "OK";
        var cancellation = context.RequestAborted;
        try
        {
            var request = await FeastJsonRequestReader.ReadAsync(context.Request.Body, cancellation);
            var result = await serving.ReadAsync(request, cancellation);
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            // Straight into Kestrel's pooled pipe: a 100-entity answer is ~100 KB, and building it in one array
            // would put it on the large object heap on every request.
            FeastJsonResponseWriter.Write(context.Response.BodyWriter, result);
            await context.Response.BodyWriter.FlushAsync(cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            status = "CANCELLED";
        }
        catch (Exception ex)
        {
            var error = ServingError.From(ex);
            status = error.Code;
            if (error.HttpStatus >= 500 && error.GrpcStatus is Grpc.Core.StatusCode.Internal)
            {
                loggers.CreateLogger(typeof(GetOnlineFeaturesEndpoint)).LogError(ex, "POST {Path} failed.", Path);
            }
            await WriteErrorAsync(context, error);
        }
        finally
        {
            metrics.RecordRequest("http", Method, status, ServingMetrics.Since(started));
        }
    }

    public static async Task WriteErrorAsync(HttpContext context, ServingError error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("detail", error.Message);
            json.WriteString("code", error.Code);
            json.WriteNumber("status", error.HttpStatus);
            json.WriteEndObject();
        }
        context.Response.StatusCode = error.HttpStatus;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }
}
