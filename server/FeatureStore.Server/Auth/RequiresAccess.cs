namespace FeatureStore.Server.Auth;

/// <summary>
/// Endpoint metadata: this endpoint needs <see cref="Level"/> access, checked by <see cref="AccessPolicy"/> before it
/// runs (HTTP by <see cref="AccessMiddleware"/>, gRPC by <see cref="AccessInterceptor"/>). Attach it with
/// <see cref="AccessEndpointExtensions.RequireWriteAccess{TBuilder}"/> or, on a gRPC service class, as an attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, Inherited = false)]
public sealed class RequiresAccess(AccessLevel level) : Attribute
{
    public AccessLevel Level { get; } = level;
}
