using System.Globalization;
using System.Text.Json;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Quality;

namespace FeatureStore.Server.Materialization;

/// <summary>
/// The answers of the materialize endpoints: 200 <c>{"status": "completed", "feature_views": [summary...]}</c> with
/// one summary per view (window, rows, written, already_current, durations, watermark, the source rows left out for a
/// NULL event timestamp or join key, or why it was skipped; whether a failing error check blocked it, and every
/// check's result), 422 with <c>"status": "checks_failed"</c> and the same summaries when a check blocked a view (the
/// other views were written), and
/// 202 <c>{"status": "accepted", "feature_views": [names...]}</c> for a run going on in the background.
/// </summary>
internal static class MaterializeResponseWriter
{
    public static async Task WriteCompletedAsync(HttpContext context, IReadOnlyList<ViewMaterializationSummary> summaries)
    {
        var blocked = summaries.Any(s => s.Blocked);
        await WriteAsync(context, blocked ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK, json =>
        {
            json.WriteString("status", blocked ? "checks_failed" : "completed");
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
                json.WriteStartObject("skipped_source_rows");
                json.WriteNumber("null_event_timestamp", summary.Skipped.NullEventTimestamp);
                json.WriteNumber("null_join_key", summary.Skipped.NullJoinKey);
                json.WriteEndObject();
                if (summary.SkippedReason is { } reason)
                {
                    json.WriteString("skipped", reason);
                }
                else
                {
                    json.WriteNull("skipped");
                }
                json.WriteBoolean("blocked", summary.Blocked);
                WriteChecks(json, summary.Checks);
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

    private static void WriteChecks(Utf8JsonWriter json, IReadOnlyList<CheckResult> checks)
    {
        json.WriteStartArray("checks");
        foreach (var check in checks)
        {
            json.WriteStartObject();
            if (check.Feature is { } feature)
            {
                json.WriteString("feature", feature);
            }
            else
            {
                json.WriteNull("feature");
            }
            json.WriteString("check", check.Check);
            json.WriteString("severity", check.Severity == CheckSeverity.Error ? "error" : "warn");
            json.WriteBoolean("passed", check.Passed);
            json.WriteString("observed", check.Observed);
            json.WriteNumber("rows", check.Rows);
            json.WriteStartArray("example_keys");
            foreach (var key in check.ExampleKeys)
            {
                json.WriteStringValue(key);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
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
