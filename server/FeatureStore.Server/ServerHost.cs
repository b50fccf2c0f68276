using FeatureStore.Core.Loading;
using FeatureStore.Core.Online;
using FeatureStore.Garnet;
using FeatureStore.Redis;
using FeatureStore.Server.Auth;
using FeatureStore.Server.Catalog;
using FeatureStore.Server.Configuration;
using FeatureStore.Server.Errors;
using FeatureStore.Server.Health;
using FeatureStore.Server.Hosting;
using FeatureStore.Server.Ingestion;
using FeatureStore.Server.Logging;
using FeatureStore.Server.Materialization;
using FeatureStore.Server.Metrics;
using FeatureStore.Server.Quality;
using FeatureStore.Server.Registry;
using FeatureStore.Server.Serving;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace FeatureStore.Server;

/// <summary>
/// Builds the web application so that Program.cs and the tests start exactly the same host: an HTTP/1.1 listener
/// (Feast-compatible API, /api/catalog, /health, /metrics), a gRPC listener and the catalog pages' listener (UI port),
/// all on loopback unless told otherwise, and all over TLS when given a certificate (<see cref="ServerCertificate"/>).
/// <see cref="ListenerMatcherPolicy"/> keeps each endpoint on its port. Each feature of the server is an
/// <see cref="IServerModule"/> listed in <see cref="Modules"/>.
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
        new QualityModule(),
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
    public static WebApplication Build(ServerOptions options) => Build(options, alsoLogTo: null);

    /// <summary>Builds from flags over the environment, logging to <paramref name="alsoLogTo"/> as well (tests read the log).</summary>
    internal static WebApplication Build(string[] args, ILoggerProvider? alsoLogTo) => Build(ServerArguments.Parse(args), alsoLogTo);

    /// <summary>Builds from <paramref name="options"/>, logging to <paramref name="alsoLogTo"/> as well as the console.</summary>
    internal static WebApplication Build(ServerOptions options, ILoggerProvider? alsoLogTo)
    {
        ServerArguments.Validate(options);
        var repository = RepositoryLoader.LoadConfig(
            Path.GetFullPath(options.RepositoryPath), new ConfigOverrides(RedisConnectionString: options.RedisConnectionString));

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        ConfigureLogging(builder.Logging, options.LogLevel);
        if (alsoLogTo is not null)
        {
            builder.Logging.AddProvider(alsoLogTo);
        }

        var certificate = ServerCertificate.Load(options);
        var endpoints = new ServerEndpoints();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // A larger body is answered 413 (see ApiError) before it is read into memory.
            kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            ListenOptions Listen(int port, HttpProtocols protocols)
            {
                ListenOptions? bound = null;
                kestrel.Listen(options.BindAddress, port, listen =>
                {
                    listen.Protocols = protocols;
                    if (certificate is not null)
                    {
                        listen.UseHttps(new HttpsConnectionAdapterOptions
                        {
                            ServerCertificate = certificate.Certificate,
                            ServerCertificateChain = certificate.Chain,
                        });
                    }
                    bound = listen;
                });
                return bound!;
            }
            var http = Listen(options.HttpPort, HttpProtocols.Http1);
            var grpc = Listen(options.GrpcPort, HttpProtocols.Http2);
            var ui = Listen(options.UiPort, HttpProtocols.Http1);
            endpoints.Attach(http, grpc, ui, certificate is not null);
        });

        var services = builder.Services;
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(repository);
        services.AddSingleton(endpoints);
        services.AddSingleton<MatcherPolicy, ListenerMatcherPolicy>();
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
        app.Lifetime.ApplicationStarted.Register(() => LogStarted(app, repository.Project, options, certificate, endpoints));
        return app;
    }

    /// <summary>
    /// Where the server listens and with what, in one line; then, for a server reachable beyond this machine without TLS
    /// or read tokens, the one warning that says so (<see cref="ExposureWarning"/>).
    /// </summary>
    private static void LogStarted(WebApplication app, string project, ServerOptions options, ServerCertificate? certificate, ServerEndpoints endpoints)
    {
        app.Logger.LogInformation(
            "Feature server for project {Project}: HTTP on {Http}, gRPC on {Grpc}{Tls}, catalog pages on {Ui}, online store {Store}.",
            project, endpoints.HttpAddress, endpoints.GrpcAddress, certificate is null ? " (h2c)" : " (TLS)", endpoints.UiAddress,
            app.Services.GetRequiredService<IOnlineStore>().Description);
        if (certificate is not null)
        {
            app.Logger.LogInformation("TLS certificate {Certificate} from {File}.", certificate.Description, certificate.File);
            if (certificate.Certificate.NotAfter.ToUniversalTime() < DateTime.UtcNow)
            {
                app.Logger.LogWarning("The TLS certificate {File} expired on {Expiry:yyyy-MM-dd}: clients will refuse to connect.",
                    certificate.File, certificate.Certificate.NotAfter.ToUniversalTime());
            }
        }
        var readTokens = app.Services.GetRequiredService<AccessTokens>().HasReadTokens;
        if (ExposureWarning.For(options.BindAddress, certificate is not null, readTokens) is { } warning)
        {
            app.Logger.LogWarning("{Warning}", warning);
        }
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
