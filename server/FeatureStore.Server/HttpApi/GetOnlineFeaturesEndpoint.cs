using System.Diagnostics;
using FeatureStore.Server.Errors;
using FeatureStore.Server.Logging;
using FeatureStore.Server.Metrics;
using FeatureStore.Server.Serving;

namespace FeatureStore.Server.HttpApi;

/// <summary>
/// <c>POST /get-online-features</c>, Feast's feature server endpoint: same body, same response shape, so an existing
/// Feast HTTP client works unchanged. A JSON, form or missing content type is read as JSON (Feast's own client posts
/// without one); one that says otherwise is refused (415, <see cref="JsonContentType"/>).
/// Failures are answered by <see cref="ApiErrorMiddleware"/> in Feast's shape (<see cref="FeastErrorBody"/>);
/// this only counts them.
/// </summary>
internal static class GetOnlineFeaturesEndpoint
{
    public const string Path = "/get-online-features";
    private const string Method = "get-online-features";

    public static async Task HandleAsync(HttpContext context, OnlineServing serving, ServingMetrics metrics, ServedFeatureLogger log)
    {
        var started = Stopwatch.GetTimestamp();
        var status = "OK";
        var cancellation = context.RequestAborted;
        try
        {
            JsonContentType.Ensure(context.Request);
            var request = await FeastJsonRequestReader.ReadAsync(context.Request.Body, cancellation);
            var result = await serving.ReadAsync(request, cancellation);
            var logged = log.Sample(result);
            if (logged is not null)
            {
                context.Response.Headers[ServedFeatureLogger.HttpHeader] = logged.RequestId;
            }
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            // Straight into Kestrel's pooled pipe: a 100-entity answer is ~100 KB, and building it in one array
            // would put it on the large object heap on every request.
            FeastJsonResponseWriter.Write(context.Response.BodyWriter, result);
            await context.Response.BodyWriter.FlushAsync(cancellation);
            if (logged is not null)
            {
                log.Append(logged);
            }
        }
        catch (Exception ex)
        {
            status = ApiError.From(ex, cancellation).Code;
            throw;
        }
        finally
        {
            metrics.RecordRequest("http", Method, status, ServingMetrics.Since(started));
        }
    }
}
