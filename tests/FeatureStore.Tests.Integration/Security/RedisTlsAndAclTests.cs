using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;
using FeatureStore.Redis;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Materialization;

namespace FeatureStore.Tests.Security;

/// <summary>
/// The store over TLS with a CA given by path, logged in as an ACL user that may touch only the project's keys and
/// run only the commands the store uses (<see cref="RedisPermissionError.StoreCommands"/>): every operation works; a
/// command the user may not run is named in the error; a certificate from another CA or a wrong password is a clear
/// error that never shows a password.
/// </summary>
public sealed class RedisTlsAndAclTests(SecuredRedisFixture redis) : IClassFixture<SecuredRedisFixture>
{
    private static readonly DateTime T = ConsistencyScenario.T;
    private static readonly DateTimeOffset TO = new(T);

    private RedisOnlineStoreOptions TlsOptions => new() { TlsCaFile = redis.Certificates.CaFile, WriteAttempts = 1 };

    private static FeatureViewDefinition Driver(string name) => new()
    {
        Name = name, Entities = ["driver"], Source = $"{name}_source",
        Features =
        [
            new FeatureDefinition { Name = "conv_rate", Type = new FeatureType(ScalarType.Float32) },
            new FeatureDefinition { Name = "trips", Type = new FeatureType(ScalarType.Int64) },
        ],
    };

    private static SourceRow Row(long driver, long trips) => new([driver], T.AddHours(-1), null, [trips / 10f, trips]);

    private async Task<(string User, string Password, string Project)> UserAsync(params string[] without)
    {
        var project = RedisFixture.UniqueProject("tls");
        var user = "fs_" + project;
        var password = await redis.CreateUserAsync(user, project, RedisPermissionError.StoreCommands.Except(without));
        return (user, password, project);
    }

    [Fact]
    public async Task A_user_limited_to_the_project_keys_and_the_store_commands_runs_every_operation_over_tls()
    {
        var (user, password, project) = await UserAsync();
        await redis.AdminServer.ExecuteAsync("ACL", "LOG", "RESET");

        await using var store = await RedisOnlineStore.ConnectAsync($"{redis.TlsEndpoint},ssl=true,user={user},password={password}", TlsOptions);
        await using var harness = new MaterializationHarness(store.Connection, project);
        await harness.AddViewAsync(Driver("driver_stats"), ["FLOAT", "BIGINT"], [Row(1, 10), Row(2, 20)]);
        await harness.AddViewAsync(Driver("driver_old"), ["FLOAT", "BIGINT"], [Row(1, 11), Row(3, 31)]);
        await harness.RunAsync(TO.AddDays(-1), TO, store: store);
        harness.RemoveView("driver_old");
        var second = await harness.RunAsync(TO.AddDays(-1), TO, store: store);

        Assert.Equal(0, second.Single().RowsWritten);
        var read = await store.ReadAsync(new OnlineReadRequest(harness.Definitions, harness.Definitions.ResolveReferences(["driver_stats:trips"]),
            new Dictionary<string, IReadOnlyList<object?>> { ["driver_id"] = [1L, 2L, 3L] }, TO));
        Assert.Equal(new object?[] { 10L, 20L, null }, read.Columns[0].Select(v => v.Value));
        Assert.True((await store.CheckHealthAsync()).IsHealthy);
        Assert.Equal(2, (await MaterializationHarness.SnapshotAsync(redis.Admin, project)).Split('\n').Count(l => l.Contains(" exp=", StringComparison.Ordinal)));
        Assert.DoesNotContain("driver_old", await MaterializationHarness.SnapshotAsync(redis.Admin, project));
        // The client asks for CONFIG GET, which a user of the store need not be given: it connects without.
        Assert.DoesNotContain(await redis.RefusedAsync(user), refused => refused != "command:config|get");
    }

    [Fact]
    public async Task A_rediss_url_with_user_and_password_connects_with_the_ca_file()
    {
        var (user, password, _) = await UserAsync();

        await using var store = await RedisOnlineStore.ConnectAsync($"rediss://{user}:{password}@{redis.TlsEndpoint}", TlsOptions);

        Assert.True((await store.CheckHealthAsync()).IsHealthy);
        Assert.Equal(redis.TlsEndpoint, store.Description);
    }

    [Fact]
    public async Task The_password_option_replaces_the_one_in_the_connection_string()
    {
        var (user, password, _) = await UserAsync();

        await using var store = await RedisOnlineStore.ConnectAsync(
            $"{redis.TlsEndpoint},ssl=true,user={user},password=not-this-one", TlsOptions with { Password = password });

        Assert.True((await store.CheckHealthAsync()).IsHealthy);
    }

    [Theory]
    [InlineData("hgetall", "'hgetall' command")]
    [InlineData("hsetnx", "hsetnx, hget, hset, pexpireat, pexpiretime")]
    [InlineData("hmget", "'hmget' command")]
    public async Task A_command_the_user_may_not_run_is_named_in_the_error(string withheld, string named)
    {
        var (user, password, project) = await UserAsync(withheld);
        await using var store = await RedisOnlineStore.ConnectAsync($"{redis.TlsEndpoint},ssl=true,user={user},password={password}", TlsOptions);
        var view = Driver("driver_stats");
        var definitions = new DefinitionSet
        {
            Project = project,
            Entities = [new EntityDefinition { Name = "driver", JoinKey = "driver_id", ValueType = new FeatureType(ScalarType.Int64) }],
            Sources = [new SourceDefinition { Name = "driver_stats_source", Path = "d.parquet", TimestampField = "event_timestamp" }],
            FeatureViews = [view],
        };

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(async () =>
        {
            switch (withheld)
            {
                case "hgetall":
                    await store.RemoveStaleViewsAsync(definitions);
                    break;
                case "hsetnx":
                    await using (var writer = await store.OpenViewWriterAsync(definitions, view))
                    {
                        await writer.WriteRowAsync([1L], [0.5f, 5L], TO);
                        await writer.FlushAsync();
                    }
                    break;
                default:
                    await store.ReadAsync(new OnlineReadRequest(definitions, definitions.ResolveReferences(["driver_stats:trips"]),
                        new Dictionary<string, IReadOnlyList<object?>> { ["driver_id"] = [1L] }, TO));
                    break;
            }
        });

        Assert.Contains(named, error.Message);
        Assert.Contains("NOPERM", error.Message);
        Assert.Contains(redis.TlsEndpoint, error.Message);
        Assert.DoesNotContain(password, error.ToString());
    }

    [Fact]
    public async Task A_certificate_another_ca_signed_is_a_tls_error_that_names_the_ca_setting()
    {
        var (user, password, _) = await UserAsync();

        var error = await Assert.ThrowsAsync<UserInputException>(() => RedisOnlineStore.ConnectAsync(
            $"{redis.TlsEndpoint},ssl=true,user={user},password={password}", TlsOptions with { TlsCaFile = redis.Certificates.OtherCaFile }));

        Assert.Contains($"The TLS handshake with Redis at {redis.TlsEndpoint} failed", error.Message);
        Assert.Contains("is not signed by the CA in", error.Message);
        Assert.Contains("online_store.tls_ca_file", error.Message);
        Assert.DoesNotContain(password, error.ToString());
    }

    [Fact]
    public async Task Without_a_ca_file_a_private_ca_is_a_tls_error_that_suggests_one()
    {
        var (user, password, _) = await UserAsync();

        var error = await Assert.ThrowsAsync<UserInputException>(() =>
            RedisOnlineStore.ConnectAsync($"{redis.TlsEndpoint},ssl=true,user={user},password={password}", new RedisOnlineStoreOptions()));

        Assert.Contains("TLS handshake", error.Message);
        Assert.Contains("FEATURESTORE_REDIS_TLS_CA", error.Message);
        Assert.DoesNotContain(password, error.ToString());
    }

    [Fact]
    public async Task A_wrong_password_over_tls_is_an_authentication_failure_without_the_password()
    {
        var (user, password, _) = await UserAsync();
        const string Wrong = "wrong-Secret-1234";

        var error = await Assert.ThrowsAsync<UserInputException>(() =>
            RedisOnlineStore.ConnectAsync($"{redis.TlsEndpoint},ssl=true,user={user},password={password}", TlsOptions with { Password = Wrong }));

        Assert.Contains("authentication failed", error.Message);
        Assert.Contains(redis.TlsEndpoint, error.Message);
        Assert.DoesNotContain(Wrong, error.ToString());
        Assert.DoesNotContain(password, error.ToString());
    }

    [Fact]
    public void A_missing_ca_file_is_an_error_that_names_the_file_and_the_settings()
    {
        var missing = Path.Combine(redis.Folder, "no-such-ca.pem");

        var error = Assert.Throws<UserInputException>(() =>
            RedisConnectionFactory.Configure($"{redis.TlsEndpoint},ssl=true", new RedisOnlineStoreOptions { TlsCaFile = missing }));

        Assert.Contains(missing, error.Message);
        Assert.Contains("online_store.tls_ca_file or FEATURESTORE_REDIS_TLS_CA", error.Message);
    }

    [Fact]
    public async Task The_password_from_the_environment_replaces_the_file_s_and_shows_in_no_output_log_page_or_metric()
    {
        var (user, password, project) = await UserAsync();
        const string InFile = "file-Secret-5150";
        const string Wrong = "wrong-Secret-8086";
        var hour = new DateTime(DateTime.UtcNow.Year, DateTime.UtcNow.Month, DateTime.UtcNow.Day, DateTime.UtcNow.Hour, 0, 0, DateTimeKind.Utc);
        using var repository = Loading.TestRepository.Create($"""
            project: {project}
            online_store:
              type: redis
              connection_string: "{redis.TlsEndpoint},ssl=true,user={user},password={InFile}"
              tls_ca_file: certs/ca.pem
            offline_store:
              type: duckdb
            registry: .featurestore/registry
            """);
        repository.Write("certs/ca.pem", await File.ReadAllTextAsync(redis.Certificates.CaFile));
        repository.Write("driver.yaml", """
            entities:
              - {name: driver, join_key: driver_id, value_type: int64}
            sources:
              - {name: driver_stats_source, path: data/driver_stats.parquet, timestamp_field: event_timestamp}
            feature_views:
              - name: driver_hourly_stats
                entities: [driver]
                source: driver_stats_source
                ttl: 1d
                features:
                  - {name: trips, type: int64}
            """);
        await TestParquet.WriteAsync(Path.Combine(repository.Root, "data", "driver_stats.parquet"),
            new TestColumn("driver_id", "BIGINT", [1L, 2L]),
            new TestColumn("event_timestamp", "TIMESTAMP", [hour.AddHours(-1), hour.AddHours(-1)]),
            new TestColumn("trips", "BIGINT", [10L, 20L]));
        var environment = new Dictionary<string, string> { ["FEATURESTORE_REDIS_PASSWORD"] = password };
        string[] window = ["--start", hour.AddDays(-1).ToString("O"), "--end", hour.ToString("O")];

        var runs = new List<Cli.ChildProcess.Result>
        {
            await Cli.ChildProcess.RunCliAsync(["apply", "--repo", repository.Root], environment),
            await Cli.ChildProcess.RunCliAsync(["materialize", "--repo", repository.Root, .. window], environment),
            await Cli.ChildProcess.RunCliAsync(["status", "--repo", repository.Root], environment),
        };
        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.Error));
        Assert.Contains("driver_hourly_stats", runs[^1].Output);
        var refused = await Cli.ChildProcess.RunCliAsync(["materialize", "--repo", repository.Root, .. window],
            new Dictionary<string, string> { ["FEATURESTORE_REDIS_PASSWORD"] = Wrong });
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("authentication failed", refused.Error);
        runs.Add(refused);

        var (pages, log) = await ServeAsync(repository.Root, new Dictionary<string, string>
        {
            ["FEATURESTORE_REDIS_PASSWORD"] = password,
            ["FEATURESTORE_REDIS_TLS_CA"] = redis.Certificates.CaFile,
        });

        Assert.Contains("\"trips\"", pages);
        Assert.Contains("featurestore_", pages);
        var everything = string.Join("\n", runs.Select(r => r.Output + r.Error)) + pages + log;
        foreach (var secret in new[] { password, InFile, Wrong })
        {
            Assert.DoesNotContain(secret, everything);
        }
    }

    /// <summary>
    /// Runs the server as its own process with <paramref name="environment"/>, fetches the lookup answer, /metrics,
    /// /health and the catalog's pages and API once it is ready; returns them and everything it logged.
    /// </summary>
    private static async Task<(string Pages, string Log)> ServeAsync(string repository, IReadOnlyDictionary<string, string> environment)
    {
        var httpPort = LocalRedisServer.FreePort();
        var grpcPort = LocalRedisServer.FreePort();
        var log = new System.Text.StringBuilder();
        using var process = Cli.ChildProcess.Start(Cli.ChildProcess.ServerDll(),
            ["--repo", repository, "--http-port", httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--grpc-port", grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--ui-port", "0"], environment);
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var pages = new System.Text.StringBuilder();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(10) };
            var deadline = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }
                Assert.False(process.HasExited, $"The server exited: {log}");
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"The server did not become ready: {log}");
                await Task.Delay(200);
            }
            using var lookup = new StringContent("""{"features": ["driver_hourly_stats:trips"], "entities": {"driver_id": [1, 2]}}""",
                System.Text.Encoding.UTF8, "application/json");
            var answer = await http.PostAsync("/get-online-features", lookup);
            pages.AppendLine(await answer.Content.ReadAsStringAsync());
            Assert.True(answer.IsSuccessStatusCode, pages.ToString());
            foreach (var path in new[] { "/metrics", "/health", "/health/ready", "/", "/views/driver_hourly_stats", "/api/catalog/feature-views", "/api/catalog/feature-views/driver_hourly_stats" })
            {
                pages.AppendLine(await http.GetStringAsync(path));
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        lock (log)
        {
            return (pages.ToString(), log.ToString());
        }
    }

    [Fact]
    public void Options_print_without_the_password()
    {
        var options = new RedisOnlineStoreOptions { Password = "printed-Secret-99" };

        Assert.DoesNotContain("printed-Secret-99", options.ToString());
        Assert.Contains("Password = ***", options.ToString());
    }
}
