using FeatureStore.Core.Quality;
using FeatureStore.Server.Auth;
using FeatureStore.Server.Catalog.Web;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FeatureStore.Server.Catalog;

/// <summary>
/// The whole catalog (gRPC <c>featurestore.v1.Catalog</c>, JSON under <c>/api/catalog</c>, and the pages <c>/</c>,
/// <c>/views/{name}</c>, <c>/versions</c> on the UI port) is wired by one call on each side, so the host stays a list
/// of features. All of it is a read: with read tokens configured, it needs one. The pages rely on the host's
/// <see cref="Configuration.ServerEndpoints"/> (which port is the UI port) and the auth module's
/// <see cref="BrowserSessions"/>.
/// </summary>
public static class CatalogRegistration
{
    /// <summary>
    /// Registers the catalog. It reads the registry through <see cref="ICatalogSource"/>; unless the host registered
    /// its own, one over the <see cref="Core.Registry.IRegistry"/> in the container is used. Views' quality is read
    /// through <see cref="QualityCatalog"/> from the <see cref="IProfileStore"/> the host registers.
    /// </summary>
    public static IServiceCollection AddCatalog(this IServiceCollection services)
    {
        services.AddGrpc();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICatalogSource, RegistryCatalogSource>();
        services.TryAddSingleton<QualityCatalog>();
        services.TryAddSingleton<CatalogApi>();
        return services;
    }

    public static IEndpointRouteBuilder MapCatalog(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<CatalogGrpcService>().RequireReadAccess();
        CatalogJsonEndpoints.Map(endpoints);
        CatalogPageEndpoints.Map(endpoints);
        return endpoints;
    }
}
