namespace FeatureStore.Server.Auth;

/// <summary>
/// One line to protect an endpoint, HTTP or gRPC: <c>app.MapPost("/materialize", ...).RequireWriteAccess()</c>,
/// <c>app.MapGrpcService&lt;T&gt;().RequireReadAccess()</c>. The rules are <see cref="AccessPolicy"/>'s.
/// </summary>
public static class AccessEndpointExtensions
{
    /// <summary>Needs a write token; with none configured, loopback clients only.</summary>
    public static TBuilder RequireWriteAccess<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiresAccess(AccessLevel.Write));

    /// <summary>Needs a read or write token when read tokens are configured; open to everyone otherwise.</summary>
    public static TBuilder RequireReadAccess<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiresAccess(AccessLevel.Read));
}
