namespace FeatureStore.Server.Hosting;

/// <summary><c>app.MapGet("/", ...).OnUiPort()</c>: see <see cref="Hosting.OnUiPort"/>.</summary>
internal static class OnUiPortExtensions
{
    public static TBuilder OnUiPort<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(Hosting.OnUiPort.Instance);
}
