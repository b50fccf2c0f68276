namespace FeatureStore.Core.Definitions;

/// <summary>The values of <c>online_store.type</c> in <c>featurestore.yaml</c>.</summary>
public static class OnlineStoreTypes
{
    /// <summary>A Redis server (or anything that speaks RESP and runs Lua) named by a connection string.</summary>
    public const string Redis = "redis";

    /// <summary>Garnet hosted in-process by the first process that needs it: needs nothing but the .NET SDK.</summary>
    public const string Embedded = "embedded";
}
