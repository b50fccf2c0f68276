namespace FeatureStore.Server;

/// <summary>
/// Builds the web application so that Program.cs and the tests start exactly the same host.
/// </summary>
public static class ServerHost
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var app = builder.Build();
        app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
        return app;
    }
}
