using FeatureStore.Server.Configuration;

namespace FeatureStore.Server;

/// <summary>
/// One feature of the server (serving, health, metrics, catalog...): its services and its endpoints, kept together
/// in its own folder. <see cref="ServerHost"/> lists the modules, so adding one is a one-line change.
/// </summary>
public interface IServerModule
{
    void AddServices(IServiceCollection services, ServerOptions options);

    void Map(WebApplication app);
}
