using FeatureStore.Core.Definitions;
using FeatureStore.Core.Registry;

namespace FeatureStore.Server.OnlineStore;

/// <summary>Creates the core's registry for a repository.</summary>
internal static class StoreFactory
{
    public static IRegistry CreateRegistry(RepositoryConfig repository, IServiceProvider services) =>
        FileRegistry.ForConfig(repository, services.GetRequiredService<ILoggerFactory>());
}
