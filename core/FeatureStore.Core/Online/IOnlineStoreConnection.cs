namespace FeatureStore.Core.Online;

/// <summary>
/// An online store this process opened. Disposing it ends this process's use of the store: it closes connections
/// and, for an embedded store this process hosts, checkpoints the data and leaves hosting to the next process.
/// </summary>
public interface IOnlineStoreConnection : IOnlineStore, IAsyncDisposable;
