namespace FeatureStore.Tests.Infrastructure;

// xunit finds collection definitions in the test assembly only, so they live here while their fixtures live in
// FeatureStore.Tests.Infrastructure.

/// <summary>Integration tests join this collection to share one Redis.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis";
}

/// <summary>Embedded-backend tests join this collection to share one store, and carry <see cref="Trait"/>.</summary>
[CollectionDefinition(Name)]
public sealed class EmbeddedCollection : ICollectionFixture<EmbeddedStoreFixture>
{
    public const string Name = "embedded";

    /// <summary>The trait that selects the embedded-backend tests: <c>dotnet test --filter Backend=Embedded</c>.</summary>
    public const string Trait = "Backend";

    public const string TraitValue = "Embedded";
}

/// <summary>
/// Cluster-backend tests join this collection to share one cluster, and carry <see cref="Trait"/>:
/// <c>dotnet test --filter Backend=Cluster</c> runs only them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "redis-cluster";

    public const string Trait = "Backend";

    public const string TraitValue = "Cluster";
}
