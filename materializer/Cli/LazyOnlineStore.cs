using FeatureStore.Core.Definitions;
using FeatureStore.Core.Online;

namespace FeatureStore.Materializer.Cli;

/// <summary>
/// Connects to the online store only when a verb turns out to need it (a profile reference of <c>online</c>), and
/// closes it afterwards; verbs that never touch it never connect.
/// </summary>
internal sealed class LazyOnlineStore(RepositoryConfig config, CliContext context) : IAsyncDisposable
{
    private IOnlineStoreConnection? _store;

    public async Task<IOnlineStore> GetAsync(CancellationToken cancellationToken) =>
        _store ??= await StoreComposition.OpenOnlineAsync(config, context, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }
}
