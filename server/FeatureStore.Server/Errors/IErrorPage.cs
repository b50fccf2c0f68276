namespace FeatureStore.Server.Errors;

/// <summary>
/// Endpoint metadata: this endpoint is a page for people, so its errors (and refusals, which happen before it runs)
/// are answered as a page rather than as problem details. Given the status and message <see cref="ApiError"/> decided.
/// </summary>
internal interface IErrorPage
{
    Task WriteAsync(HttpContext context, ApiError error);
}
