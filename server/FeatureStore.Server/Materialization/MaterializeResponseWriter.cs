using System.Globalization;
using System.Text.Json;
using FeatureStore.Core.Materialization;

namespace FeatureStore.Server.Materialization;

/// <summary>
/// The answers of the materialize endpoints: 200 <c>{"status": "completed", "feature_views": [summary...]}</c> with
/// one summary per view (window, rows, written, already_current, durations, watermark, or why it was skipped), and
/// 202 <c>{"status": "accepted", "feature_views": [names...]}</c> for a run going on in the background.
/// </summary>
internal static class MaterializeResponseWriter
{
    public static async Task WriteCompletedAsync(HttpContext context, IReadOnlyList<ViewMaterializationSummary> summaries)
    {
        await WriteAsync(context, StatusCodes.Status200OK, json =>
        {
            json.WriteString("status", "completed");
            json.WriteStartArray("feature_views");
            foreach (var summary in summaries)
            {
                json.WriteStartObject();
                json.WriteString("name", summary.View);
                WriteTime(json, "start_ts", summary.Start);
                WriteTime(json, "end_ts", summary.End);
                json.WriteNumber("rows", summary.RowsSelected);
                json.WriteNumber("written", summary.RowsWritten);
                json.WriteNumber("already_current", summary.RowsSelected - summary.RowsWritten);
                json.WriteNumber("duration_seconds", Math.Round(summary.Duration.TotalSeconds, 6));
                json.WriteNumber("selection_seconds", Math.Round(summary.SelectionTime.TotalSeconds, 6));
                WriteTime(json, "watermark", summary.Watermark);
                if (summary.SkippedReason is { } reason)
                {
                    json.WriteString("skipped", reason);
                }
                else
                {
                    json.WriteNull("skipped");
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
        });
    }

    public static Task WriteAcceptedAsync(HttpContext context, IReadOnlyList<string> views) =>
        WriteAsync(context, StatusCodes.Status202Accepted, json =>
        {
            json.WriteString("status", "accepted");
            json.WriteStartArray("feature_views");
            foreach (var view in views)
            {
                json.WriteStringValue(view);
            }
            json.WriteEndArray();
        });

    private static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using (var json = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is { } t)
        {
            json.WriteString(name, t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFZ", CultureInfo.InvariantCulture));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
