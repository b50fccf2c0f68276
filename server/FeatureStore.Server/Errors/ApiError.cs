using FeatureStore.Core.Errors;
using FeatureStore.Core.Materialization;
using FeatureStore.Server.Auth;
using FeatureStore.Server.HttpApi;
using Grpc.Core;

namespace FeatureStore.Server.Errors;

/// <summary>
/// How a failed request is reported, the one rule for every transport: user mistakes as NOT_FOUND (404) or
/// INVALID_ARGUMENT (400) with the message naming the culprit (a body too large 413, one that is not JSON 415), a
/// missing or unknown token as UNAUTHENTICATED (401), a refused caller as PERMISSION_DENIED (403), a view that another
/// run is materializing as ABORTED (409), an unreachable store as UNAVAILABLE (503), anything else as INTERNAL (500)
/// with a generic message, the detail going to the log only.
/// </summary>
internal sealed record ApiError(StatusCode GrpcStatus, int HttpStatus, string Title, string Message)
{
    public const string InternalMessage = "The server failed to answer; see its log for details.";

    /// <summary>The gRPC status name (NOT_FOUND, ...), also used in HTTP error bodies and metric labels.</summary>
    public string Code => CodeName(GrpcStatus);

    /// <summary>The outcome of a request that threw <paramref name="exception"/>.</summary>
    public static ApiError From(Exception exception, CancellationToken request = default) => exception switch
    {
        OperationCanceledException when request.IsCancellationRequested =>
            new(StatusCode.Cancelled, StatusCodes.Status499ClientClosedRequest, "Cancelled", "The call was cancelled."),
        NotFoundException e => new(StatusCode.NotFound, StatusCodes.Status404NotFound, "Not found", e.Message),
        MaterializationInProgressException e => new(StatusCode.Aborted, StatusCodes.Status409Conflict, "Conflict", e.Message),
        UserInputException e => new(StatusCode.InvalidArgument, StatusCodes.Status400BadRequest, "Bad request", e.Message),
        StoreUnavailableException e => new(StatusCode.Unavailable, StatusCodes.Status503ServiceUnavailable, "Unavailable", e.Message),
        UnauthenticatedException e => new(StatusCode.Unauthenticated, StatusCodes.Status401Unauthorized, "Unauthorized", e.Message),
        AccessDeniedException e => new(StatusCode.PermissionDenied, StatusCodes.Status403Forbidden, "Forbidden", e.Message),
        UnsupportedMediaTypeException e => new(StatusCode.InvalidArgument, StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", e.Message),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } e => new(
            StatusCode.ResourceExhausted, StatusCodes.Status413PayloadTooLarge, "Payload too large",
            $"The request body is larger than the server accepts ({e.Message.TrimEnd('.')}). Send fewer rows per request, or raise the limit with the server option --max-body-mb."),
        BadHttpRequestException e => new(StatusCode.InvalidArgument, e.StatusCode, "Bad request", e.Message),
        RpcException e => new(e.StatusCode, StatusCodes.Status500InternalServerError, CodeName(e.StatusCode), e.Status.Detail),
        _ => new(StatusCode.Internal, StatusCodes.Status500InternalServerError, "Internal error", InternalMessage),
    };

    /// <summary>Logs what the answer leaves out: the exception behind an INTERNAL error; an outage only at debug level,
    /// since the health checks already report it once.</summary>
    public void Log(ILogger logger, Exception exception, string operation)
    {
        if (GrpcStatus is StatusCode.Internal && exception is not RpcException)
        {
            logger.LogError(exception, "{Operation} failed.", operation);
        }
        else if (GrpcStatus is StatusCode.Unavailable)
        {
            logger.LogDebug("{Operation}: {Message}", operation, Message);
        }
    }

    public static string CodeName(StatusCode code) => code switch
    {
        StatusCode.OK => "OK",
        StatusCode.Cancelled => "CANCELLED",
        StatusCode.InvalidArgument => "INVALID_ARGUMENT",
        StatusCode.NotFound => "NOT_FOUND",
        StatusCode.Unavailable => "UNAVAILABLE",
        StatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        StatusCode.Internal => "INTERNAL",
        // PermissionDenied -> PERMISSION_DENIED, as gRPC spells every status.
        _ => System.Text.Json.JsonNamingPolicy.SnakeCaseUpper.ConvertName(code.ToString()),
    };
}
