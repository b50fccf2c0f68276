using System.Collections.Concurrent;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;
using FeatureStore.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using FeatureStore.Redis;

namespace FeatureStore.Tests.Online;

public sealed class OnlineWriterFailureTests
{
    /// <summary>Keeps every message at Warning or above.</summary>
    private sealed class WarningLog : ILogger
    {
        public ConcurrentQueue<string> Warnings { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning)
            {
                Warnings.Enqueue(formatter(state, exception));
            }
        }
    }

    [Fact]
    public async Task Calls_failing_together_log_a_few_warnings_not_one_per_call()
    {
        await using var server = await LocalRedisServer.StartAsync();
        var log = new WarningLog();
        var options = new RedisOnlineStoreOptions
        {
            ConnectTimeout = TimeSpan.FromMilliseconds(500),
            CommandTimeout = TimeSpan.FromMilliseconds(500),
            WriteAttempts = 4,
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            KeysPerCall = 1,
            MaxCallsInFlight = 64,
        };
        await using var store = await RedisOnlineStore.ConnectAsync(server.ConnectionString, options, log);
        var view = OnlineTestDefinitions.DriverStats(TimeSpan.Zero);
        var definitions = OnlineTestDefinitions.Set(RedisFixture.UniqueProject(), view);
        await using var writer = await store.OpenViewWriterAsync(definitions, view);
        server.Stop();

        // 40 single-key calls in flight at once, each failing all its attempts (~0.5 s apart): 120 retry warnings
        // without the gate; with it, the first failure warns and a later one reports how many were held back.
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(async () =>
        {
            for (var driver = 0L; driver < 40; driver++)
            {
                await writer.WriteRowAsync([driver], [0.5f, driver], DateTimeOffset.UtcNow);
            }
            await writer.FlushAsync();
        });

        Assert.Contains("driver_stats", error.Message);
        var retries = log.Warnings.Where(w => w.Contains("retrying", StringComparison.Ordinal)).ToArray();
        Assert.InRange(retries.Length, 1, 4);
        Assert.Contains(retries, w => w.Contains("more failed calls of it since the last warning", StringComparison.Ordinal));
    }
}
