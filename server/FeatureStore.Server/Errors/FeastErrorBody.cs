using System.Buffers;
using System.Text.Json;

namespace FeatureStore.Server.Errors;

/// <summary>
/// Endpoint metadata: this endpoint answers errors in the Feast feature server's shape,
/// <c>{"detail": message, "code": "INVALID_ARGUMENT", "status": 400}</c>, instead of problem details, so Feast
/// clients read them unchanged.
/// </summary>
internal sealed class FeastErrorBody
{
    public static readonly FeastErrorBody Instance = new();

    private FeastErrorBody()
    {
    }

    public static async Task WriteAsync(HttpContext context, ApiError error)
    {
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
