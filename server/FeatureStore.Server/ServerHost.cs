using FeatureStore.Core.Loading;
using FeatureStore.Core.Online;
using FeatureStore.Garnet;
using FeatureStore.Redis;
using FeatureStore.Server.Auth;
using FeatureStore.Server.Catalog;
using FeatureStore.Server.Configuration;
using FeatureStore.Server.Errors;
using FeatureStore.Server.Health;
using FeatureStore.Server.Ingestion;
using FeatureStore.Server.Logging;
using FeatureStore.Server.Materialization;
using FeatureStore.Server.Metrics;
using FeatureStore.Server.Registry;
using FeatureStore.Server.Serving;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace FeatureStore.Server;

/// <summary>
/// Builds the web application so that Program.cs and the tests start exactly the same host: an HTTP/1.1 listener
/// (Feast-compatible API, /health, /metrics) and an h2c gRPC listener, both on loopback unless told otherwise.
/// Each feature of the server is an <see cref="IServerModule"/> listed in <see cref="Modules"/>.
/// </summary>
public static class ServerHost
{
    /// <summary>The server's features; adding one (e.g. a catalog) is adding a line here.</summary>
    private static IServerModule[] Modules() =>
    [
        new MetricsModule(),
        new AuthModule(),
        new HealthModule(),
        new ServingModule(),
        new CatalogModule(),
        new MaterializationModule(),
        new IngestionModule(),
        new FeatureLoggingModule(),
    ];

    /// <summary>Builds from flags over environment variables over the settings file (see <see cref="ServerArguments"/>).</summary>
    public static WebApplication Build(string[] args) => Build(ServerArguments.Parse(args));

    /// <summary>
    /// Builds from <paramref name="options"/>. A bad setting, repository or Redis connection string throws a
    /// <see cref="Core.Errors.UserInputException"/> here, before anything listens.
    /// </summary>
    public static WebApplication Build(ServerOptions options)
    {
        ServerArguments.Validate(options);
        var repository = RepositoryLoader.LoadConfig(
            Path.GetFullPath(options.RepositoryPath), new ConfigOverrides(RedisConnectionString: options.RedisConnectionString));

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        ConfigureLogging(builder.Logging, options.LogLevel);

        var endpoints = new ServerEndpoints();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // A larger body is answered 413 (see ApiError) before it is read into memory.
            kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            ListenOptions? http = null;
            ListenOptions? grpc = null;
            kestrel.Listen(options.BindAddress, options.HttpPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                http = listen;
            });
            kestrel.Listen(options.BindAddress, options.GrpcPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                grpc = listen;
            });
            endpoints.Attach(http!, grpc!);
        });

        var services = builder.Services;
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(repository);
        services.AddSingleton(endpoints);
        services.AddSingleton(new ActiveDefinitions(repository.Project));
        services.AddSingleton(sp => RegistryFactory.CreateRegistry(repository, sp));
        services.AddOnlineStore(repository, new RedisOnlineStoreOptions
        {
            ConnectTimeout = TimeSpan.FromMilliseconds(Math.Min(options.StoreTimeout.TotalMilliseconds, 2000)),
            CommandTimeout = options.StoreTimeout,
            ClientName = "featurestore-server",
        }.WithConnectionSecurity(repository));
        // Before the modules' hosted services: the first health report needs the registry version loaded.
        services.AddHostedService<RegistryWatcher>();
        services.AddProblemDetails();
        services.AddSingleton<ApiErrorInterceptor>();
        services.AddGrpc(grpc =>
        {
            grpc.EnableDetailedErrors = false;
            grpc.Interceptors.Add<ApiErrorInterceptor>();
        });

        var modules = Modules();
        foreach (var module in modules)
        {
            module.AddServices(services, options);
        }
        GrpcRequestParsing.Replace(services);

        var app = builder.Build();
        app.UseMiddleware<ApiErrorMiddleware>();
        foreach (var module in modules)
        {
            module.Map(app);
        }
        app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogInformation(
            "Feature server for project {Project}: HTTP on {Http}, gRPC on {Grpc}, online store {Store}.",
            repository.Project, endpoints.HttpAddress, endpoints.GrpcAddress, app.Services.GetRequiredService<IOnlineStore>().Description));
        return app;
    }

    /// <summary>The bound listener addresses of a started host (needed with port 0).</summary>
    public static ServerEndpoints Endpoints(this WebApplication app) => app.Services.GetRequiredService<ServerEndpoints>();

    private static void ConfigureLogging(ILoggingBuilder logging, LogLevel level)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });
        logging.SetMinimumLevel(level);
        // Per-request framework logs cost latency and say nothing the metrics do not.
        logging.AddFilter("Microsoft.AspNetCore", level > LogLevel.Warning ? level : LogLevel.Warning);
        logging.AddFilter("Grpc", level > LogLevel.Warning ? level : LogLevel.Warning);
    }
}
