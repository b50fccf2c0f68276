using FeatureStore.Core.Errors;
using Grpc.Core;

namespace FeatureStore.Server.Serving;

/// <summary>
/// How a failed request is reported, the same way on both transports: user mistakes as NOT_FOUND (404) or
/// INVALID_ARGUMENT (400) with the message naming the culprit, an unreachable store as UNAVAILABLE (503), anything
/// else as INTERNAL (500) without internals in the message.
/// </summary>
public sealed record ServingError(StatusCode GrpcStatus, int HttpStatus, string Message)
{
    /// <summary>The gRPC status name (NOT_FOUND, ...), also used in HTTP error bodies and metric labels.</summary>
    public string Code => CodeName(GrpcStatus);

    /// <summary>Null for exceptions that are not a request's outcome (cancellation).</summary>
    public static ServingError From(Exception exception) => exception switch
    {
        NotFoundException e => new(StatusCode.NotFound, StatusCodes.Status404NotFound, e.Message),
        UserInputException e => new(StatusCode.InvalidArgument, StatusCodes.Status400BadRequest, e.Message),
        StoreUnavailableException e => new(StatusCode.Unavailable, StatusCodes.Status503ServiceUnavailable, e.Message),
        _ => new(StatusCode.Internal, StatusCodes.Status500InternalServerError,
            "The server failed to answer; see its log for details."),
    };

    public static string CodeName(StatusCode code) => code switch
    {
        StatusCode.OK => "OK",
        StatusCode.Cancelled => "CANCELLED",
        StatusCode.InvalidArgument => "INVALID_ARGUMENT",
        StatusCode.NotFound => "NOT_FOUND",
        StatusCode.Unavailable => "UNAVAILABLE",
        StatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        StatusCode.Internal => "INTERNAL",
        _ => code.ToString().ToUpperInvariant(),
    };
}
