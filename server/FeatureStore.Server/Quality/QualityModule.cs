using FeatureStore.Core.Definitions;
using FeatureStore.Core.Online;
using FeatureStore.Core.Quality;
using FeatureStore.DuckDb;
using FeatureStore.Server.Configuration;

namespace FeatureStore.Server.Quality;

/// <summary>
/// Feature quality in the server: the profile store in the registry folder (the one the command line writes), the
/// <see cref="QualityGate"/> every materialization the server runs (scheduled or requested over HTTP) passes through,
/// the read side the catalog shows (<see cref="QualityCatalog"/>), and the per-feature series on <c>GET /metrics</c>.
/// </summary>
internal sealed class QualityModule : IServerModule
{
    public void AddServices(IServiceCollection services, ServerOptions options)
    {
        services.AddSingleton<IProfileStore>(sp => new FileProfileStore(
            sp.GetRequiredService<RepositoryConfig>().RegistryPath, logger: sp.GetRequiredService<ILogger<FileProfileStore>>()));
        services.AddSingleton<QualityCatalog>();
        services.AddSingleton<IFeatureProfiler>(_ => new DuckDbFeatureProfiler());
        services.AddSingleton(sp => new QualityGate(
            sp.GetRequiredService<IProfileStore>(),
            new ProfileResolver(
                sp.GetRequiredService<IFeatureProfiler>(), sp.GetRequiredService<IProfileStore>(),
                _ => Task.FromResult(sp.GetRequiredService<IOnlineStore>())),
            sp.GetRequiredService<ILogger<QualityGate>>()));
        services.AddSingleton<QualityMetrics>();
    }

    // Created now, so /metrics has the per-feature series from the first scrape.
    public void Map(WebApplication app) => app.Services.GetRequiredService<QualityMetrics>();
}
