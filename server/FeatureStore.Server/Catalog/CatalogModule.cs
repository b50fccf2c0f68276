using FeatureStore.Server.Configuration;

namespace FeatureStore.Server.Catalog;

/// <summary>
/// The feature catalog as a server module: gRPC <c>featurestore.v1.Catalog</c> on the gRPC port, JSON under
/// <c>/api/catalog</c> on the HTTP port and the pages on the UI port, all describing the registry version being served.
/// </summary>
internal sealed class CatalogModule : IServerModule
{
    public void AddServices(IServiceCollection services, ServerOptions options)
    {
        services.AddSingleton<ICatalogSource, ServedCatalogSource>();
        services.AddCatalog();
    }

    public void Map(WebApplication app) => app.MapCatalog();
}
