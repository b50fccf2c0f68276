namespace FeatureStore.Server.Ingestion;

/// <summary>Where pushed rows go (Feast's <c>to</c>): the online store, the offline store (the batch source), or both.</summary>
public enum PushTo
{
    Online,
    Offline,
    OnlineAndOffline,
}
