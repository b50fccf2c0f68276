using FeatureStore.Core.Errors;

namespace FeatureStore.Server.Materialization;

/// <summary>
/// Feast's <c>POST /materialize</c> and <c>POST /materialize-incremental</c>: synchronous by default (200 with the
/// per-view summaries); with <c>?async=true</c>, 202 <c>{"status": "accepted", "feature_views": [...]}</c> once the
/// run passed its checks, the rest in the background. A view another run is materializing is a 409 naming it.
/// </summary>
internal static class MaterializeEndpoints
{
    public const string MaterializePath = "/materialize";
    public const string IncrementalPath = "/materialize-incremental";

    public static async Task HandleAsync(HttpContext context, ServerMaterialization materialization, bool incremental)
    {
        var runAsync = IsAsync(context.Request.Query["async"]);
        var call = await MaterializeRequestReader.ReadAsync(context.Request.Body, incremental, context.RequestAborted);
        var request = await materialization.PrepareAsync(call, context.RequestAborted);
        if (runAsync)
        {
            await MaterializeResponseWriter.WriteAcceptedAsync(context, await materialization.StartAsync(request));
        }
        else
        {
            await MaterializeResponseWriter.WriteCompletedAsync(context, await materialization.RunAsync(request, context.RequestAborted));
        }
    }

    private static bool IsAsync(Microsoft.Extensions.Primitives.StringValues values)
    {
        if (values.Count == 0)
        {
            return false;
        }
        if (values.Count == 1 && bool.TryParse(values[0], out var value))
        {
            return value;
        }
        throw new UserInputException($"The query parameter async must be true or false, not '{values}'.");
    }
}
