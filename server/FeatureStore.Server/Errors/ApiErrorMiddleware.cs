namespace FeatureStore.Server.Errors;

/// <summary>
/// Answers every HTTP endpoint's exceptions by <see cref="ApiError"/>'s rule: as RFC 7807 problem details
/// (<c>application/problem+json</c>, with the gRPC-style <c>code</c> as an extension), or in Feast's shape for
/// endpoints marked with <see cref="FeastErrorBody"/>. A request the client abandoned gets no answer.
/// </summary>
internal sealed class ApiErrorMiddleware(RequestDelegate next, ILogger<ApiErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            if (ex is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
            {
                return;
            }
            var error = ApiError.From(ex);
            error.Log(logger, ex, $"{context.Request.Method} {context.Request.Path}");
            await WriteAsync(context, error);
        }
    }

    public static Task WriteAsync(HttpContext context, ApiError error)
    {
        if (error.HttpStatus == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }
        if (context.GetEndpoint()?.Metadata.GetMetadata<FeastErrorBody>() is not null)
        {
            return FeastErrorBody.WriteAsync(context, error);
        }
        return Results.Problem(
            detail: error.Message,
            statusCode: error.HttpStatus,
            title: error.Title,
            extensions: new Dictionary<string, object?> { ["code"] = error.Code }).ExecuteAsync(context);
    }
}
