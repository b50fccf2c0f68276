using FeatureStore.Core.Definitions;
using FeatureStore.Core.Online;
using FeatureStore.Core.Registry;

namespace FeatureStore.Server.OnlineStore;

/// <summary>Creates the core's registry and online store for a repository; the one place that knows their constructors.</summary>
internal static class StoreFactory
{
    public static IRegistry CreateRegistry(RepositoryConfig repository) =>
        throw new NotImplementedException("FileRegistry has not landed yet.");

    public static IOnlineStore CreateOnlineStore(RepositoryConfig repository, IServiceProvider services) =>
        throw new NotImplementedException("RedisOnlineStore has not landed yet.");
}
