namespace FeatureStore.Server.Auth;

/// <summary>
/// Endpoint metadata: this endpoint needs <see cref="Level"/> access, checked by <see cref="AccessPolicy"/> before it
/// runs (HTTP by <see cref="AccessMiddleware"/>, gRPC by <see cref="AccessInterceptor"/>). Attach it with
/// <see cref="AccessEndpointExtensions.RequireWriteAccess{TBuilder}"/> or, on a gRPC service class, as an attribute.
/// A page for browsers also takes a signed-in browser's session cookie instead of the header
/// (<see cref="AcceptsBrowserSession"/>; reads only).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, Inherited = false)]
public sealed class RequiresAccess(AccessLevel level, bool acceptsBrowserSession = false) : Attribute
{
    public AccessLevel Level { get; } = level;

    public bool AcceptsBrowserSession { get; } = acceptsBrowserSession;
}
