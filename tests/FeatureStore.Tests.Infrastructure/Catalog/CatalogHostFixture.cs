using FeatureStore.DuckDb;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Offline;
using FeatureStore.Core.Quality;
using FeatureStore.Core.Registry;
using FeatureStore.Server;
using FeatureStore.Server.Configuration;
using FeatureStore.Tests.Cli;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.SampleData;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;

namespace FeatureStore.Tests.Catalog;

/// <summary>
/// The example repository (<c>definitions/</c>) in a temporary folder with generated sample data, applied twice
/// through the file registry (version 2 changes <c>customer_profile</c>'s description), with materialization state
/// for both views (<c>driver_hourly_stats</c> 3 h old, <c>customer_profile</c> 3 d old, past its 2 d TTL), served by
/// the real server host on loopback ports chosen by the OS, except the catalog pages', which are on the default UI
/// port when it is free. <c>driver_hourly_stats</c> has three recorded profile runs.
/// </summary>
public sealed class CatalogHostFixture : IAsyncLifetime
{
    private readonly RedisFixture _redis = new();
    private WebApplication? _app;
    private GrpcChannel? _channel;

    public string RepositoryFolder { get; private set; } = "";
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;
    public Uri HttpAddress { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    /// <summary>The catalog pages' address: the default UI port when it was free.</summary>
    public Uri UiAddress { get; private set; } = null!;

    /// <summary>Why the pages are not on the default UI port, or null when they are.</summary>
    public string? UiPortNote { get; private set; }

    public HttpClient Ui { get; private set; } = null!;

    /// <summary>The fixture's server settings, for a test that starts another server over the same repository.</summary>
    public ServerOptions OptionsWith(Action<ServerOptions> change)
    {
        var options = Options(0);
        change(options);
        return options;
    }

    public Protos.V1.Catalog.CatalogClient Grpc { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        RepositoryFolder = ExampleRepository.CopyToTemp();
        var sampleData = await CliRunner.RunAsync("sample-data", "--repo", RepositoryFolder, "--drivers", "5", "--customers", "5", "--days", "2");
        Assert.True(sampleData.ExitCode == 0, sampleData.Error);

        var first = await RepositoryLoader.LoadAsync(RepositoryFolder, new DuckDbSourceSchemaReader());
        var registry = FileRegistry.ForConfig(first.Config);
        await registry.ApplyAsync(first.Definitions);

        var customerYaml = Path.Combine(RepositoryFolder, "customer_profile.yaml");
        await File.WriteAllTextAsync(customerYaml, (await File.ReadAllTextAsync(customerYaml))
            .Replace("description: Customer profile, refreshed daily", "description: Customer profile, refreshed daily at midnight UTC", StringComparison.Ordinal));
        var second = await RepositoryLoader.LoadAsync(RepositoryFolder, new DuckDbSourceSchemaReader());
        var applied = await registry.ApplyAsync(second.Definitions);
        Assert.True(applied.Created && applied.Version.Number == 2, "the second apply should create version 2");

        var fresh = StartedAt.AddHours(-3);
        await registry.RecordMaterializationAsync(new ViewMaterializationState(
            "driver_hourly_stats", fresh, fresh.AddMinutes(1), fresh.AddDays(-2), fresh, 240, TimeSpan.FromSeconds(2)));
        var old = StartedAt.AddDays(-3);
        await registry.RecordMaterializationAsync(new ViewMaterializationState(
            "customer_profile", old, old.AddMinutes(1), old.AddDays(-2), old, 10, TimeSpan.FromSeconds(1)));

        await RecordProfilesAsync(second.Definitions, registry.Folder);

        _app = await StartServerAsync();
        var endpoints = _app.Endpoints();
        HttpAddress = endpoints.HttpAddress;
        UiAddress = endpoints.UiAddress;
        Http = new HttpClient { BaseAddress = endpoints.HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
        Ui = new HttpClient { BaseAddress = endpoints.UiAddress, Timeout = TimeSpan.FromSeconds(30) };
        _channel = GrpcChannel.ForAddress(endpoints.GrpcAddress);
        Grpc = new Protos.V1.Catalog.CatalogClient(_channel);
    }

    /// <summary>
    /// The server with its pages on the default UI port, as a person would run it, so the browser test opens that port.
    /// Another program (or another test run on this machine) may hold it: then a free port the OS picks, which is never
    /// one of the browsers' unsafe ports (those are all below the ephemeral range), and <see cref="UiPortNote"/> says so.
    /// </summary>
    private async Task<WebApplication> StartServerAsync()
    {
        var app = ServerHost.Build(Options(ServerOptions.DefaultUiPort));
        try
        {
            await app.StartAsync();
            return app;
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            UiPortNote = $"The default UI port {ServerOptions.DefaultUiPort} is in use on this machine ({ex.Message}); the pages are on a free port instead.";
        }
        app = ServerHost.Build(Options(0));
        await app.StartAsync();
        return app;
    }

    private ServerOptions Options(int uiPort) => new()
    {
        RepositoryPath = RepositoryFolder,
        HttpPort = 0,
        GrpcPort = 0,
        UiPort = uiPort,
        RedisConnectionString = _redis.ConnectionString,
    };

    /// <summary>
    /// Three recorded runs of <c>driver_hourly_stats</c>, profiled by DuckDB over the sample data (windows ending 2 h ago,
    /// 1 h ago and now), each with its drift against the day before and a passing and a warning check, so the view page
    /// has histograms, badges and a drift sparkline to show.
    /// </summary>
    private async Task RecordProfilesAsync(DefinitionSet definitions, string registryFolder)
    {
        var view = definitions.FeatureViews.Single(v => v.Name == QualityView);
        var profiler = new DuckDbFeatureProfiler();
        var profiles = new FileProfileStore(registryFolder);
        var reference = await profiler.ProfileLatestRowsAsync(
            new LatestRowsRequest(definitions, view, RepositoryFolder, StartedAt.AddDays(-3), StartedAt.AddDays(-1)), []);
        foreach (var hoursAgo in new[] { 2, 1, 0 })
        {
            var end = StartedAt.AddHours(-hoursAgo);
            var current = await profiler.ProfileLatestRowsAsync(new LatestRowsRequest(definitions, view, RepositoryFolder, end.AddHours(-6), end), []);
            await profiles.RecordRunAsync(new ProfileRun
            {
                View = QualityView,
                RanAt = end,
                Start = end.AddHours(-6),
                End = end,
                RegistryVersion = 2,
                Outcome = RunOutcome.Written,
                Profile = current.Profile,
                Checks =
                [
                    new CheckResult { View = QualityView, Feature = "conv_rate", Check = "max", Severity = CheckSeverity.Error, Passed = true, Observed = "max 0.98 <= 1" },
                    new CheckResult { View = QualityView, Feature = "avg_daily_trips", Check = "max_null_fraction", Severity = CheckSeverity.Warn, Passed = false, Observed = "null fraction 0.2 > 0.01", Rows = 1, ExampleKeys = ["driver_id=1003"] },
                ],
                Drift = DriftCalculator.Compare(reference.Profile, current.Profile, DriftThresholds.Default),
            });
        }
    }

    /// <summary>The view with recorded profile runs.</summary>
    public const string QualityView = "driver_hourly_stats";

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        Ui?.Dispose();
        _channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await _redis.DisposeAsync();
        if (Directory.Exists(RepositoryFolder))
        {
            Directory.Delete(RepositoryFolder, recursive: true);
        }
    }
}
