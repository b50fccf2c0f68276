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

    /// <summary>
    /// For pages a browser opens: like <see cref="RequireReadAccess{TBuilder}"/>, and a browser signed in through
    /// <see cref="BrowserSessions"/> (its session cookie) may read too.
    /// </summary>
    public static TBuilder RequireBrowserReadAccess<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiresAccess(AccessLevel.Read, acceptsBrowserSession: true));
}
