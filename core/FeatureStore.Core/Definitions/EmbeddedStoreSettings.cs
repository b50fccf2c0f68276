namespace FeatureStore.Core.Definitions;

/// <summary>
/// The embedded online store of a repository (<c>online_store: {type: embedded}</c>): where its data lives and the
/// loopback port its host listens on.
/// </summary>
/// <param name="Path">Absolute folder holding the store's data, endpoint file and host lock.</param>
/// <param name="Port">Loopback port of the host; 0 lets the first host pick a free one, which later hosts keep.</param>
public sealed record EmbeddedStoreSettings(string Path, int Port = 0);
