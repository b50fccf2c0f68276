using FeatureStore.Core.Definitions;
using FeatureStore.Core.Registry;

namespace FeatureStore.Server.Registry;

/// <summary>Creates the core's registry for a repository.</summary>
internal static class RegistryFactory
{
    public static IRegistry CreateRegistry(RepositoryConfig repository, IServiceProvider services) =>
        FileRegistry.ForConfig(repository, services.GetRequiredService<ILoggerFactory>());
}
