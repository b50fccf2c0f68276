using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Server;

/// <summary>
/// A serving repository holding <see cref="ServingTestData"/> and a real server started over it: the fixture of the
/// tests that only read.
/// </summary>
internal sealed class SampleDataServer : IAsyncDisposable
{
    private readonly ServingRepository _repository;

    private SampleDataServer(ServingRepository repository, ServingServer server)
    {
        _repository = repository;
        Server = server;
    }

    public ServingServer Server { get; }

    public static async Task<SampleDataServer> StartAsync(IOnlineBackend backend)
    {
        var repository = await ServingRepository.CreateAsync(backend);
        await ServingTestData.WriteAsync(repository);
        return new SampleDataServer(repository, await repository.StartServerAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await _repository.DisposeAsync();
    }
}
