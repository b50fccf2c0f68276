using System.Text.Json;
using FeatureStore.Materializer.Cli;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Cli;

/// <summary>
/// <c>get-online-features</c> and <c>teardown</c> on a repository made by <c>init</c> and materialized into the test
/// Redis (through <c>--redis</c>, so nothing in the process environment changes for other tests).
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class OnlineLookupCliTests(RedisFixture redis) : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("featurestore-lookup-").FullName;
    private readonly string _project = RedisFixture.UniqueProject("look");

    private string Repo => Path.Combine(_root, "repo");

    public async Task InitializeAsync()
    {
        foreach (var args in new[]
                 {
                     new[] { "init", Repo, "--project", _project },
                     ["apply", "--repo", Repo],
                 })
        {
            var result = await CliRunner.RunAsync(args);
            Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)}: {result.Error}");
        }
    }

    private async Task MaterializeAsync()
    {
        var result = await CliRunner.RunAsync("materialize-incremental", "--repo", Repo, "--end", "now", "--redis", redis.ConnectionString);
        Assert.True(result.ExitCode == 0, result.Error);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    private Task<CliRunner.CliResult> LookupAsync(params string[] args) =>
        CliRunner.RunAsync(["get-online-features", "--repo", Repo, "--redis", redis.ConnectionString, .. args]);

    private static async Task<CliRunner.CliResult> AnsweringAsync(string answer, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await CliApplication.RunAsync(args, output, error, new StringReader(answer + "\n"));
        return new CliRunner.CliResult(exitCode, output.ToString(), error.ToString());
    }

    private async Task<int> ProjectKeysAsync()
    {
        var count = 0;
        foreach (var server in redis.Connection.GetServers().Where(s => !s.IsReplica))
        {
            await foreach (var _ in server.KeysAsync(pattern: $"fs:{{{_project}*"))
            {
                count++;
            }
        }
        return count;
    }

    [Fact]
    public async Task Table_has_a_line_per_entity_row_and_feature_with_value_status_and_event_time()
    {
        await MaterializeAsync();
        var lookup = await LookupAsync("--service", "driver_activity_v1", "--entity", "driver_id=1001,customer_id=2001", "--entity", "customer_id=9999, driver_id=1002");

        Assert.True(lookup.ExitCode == 0, lookup.Error);
        var lines = lookup.Output.TrimEnd().Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        Assert.Equal(["driver_id", "customer_id", "FEATURE", "VALUE", "STATUS", "EVENT_TIMESTAMP"], lines[0]);
        Assert.Equal(1 + 2 * 5, lines.Length);
        Assert.Equal(
            ["driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate", "customer_profile:current_balance", "customer_profile:avg_passenger_count", "customer_profile:lifetime_trip_count"],
            lines.Skip(1).Take(5).Select(l => l[2]));
        Assert.All(lines.Skip(1).Take(5), l => Assert.Equal(["1001", "2001", "PRESENT"], [l[0], l[1], l[4]]));
        Assert.All(lines.Skip(1).Take(5), l => Assert.True(DateTimeOffset.TryParse(l[5], out _), l[5]));
        Assert.All(lines.Skip(6).Take(2), l => Assert.Equal(["1002", "9999", "PRESENT"], [l[0], l[1], l[4]]));
        Assert.All(lines.Skip(8), l => Assert.Equal(["1002", "9999", "-", "NOT_FOUND", "-"], l[0..2].Concat(l[3..]).ToArray()));
    }

    [Fact]
    public async Task Json_is_feasts_answer_with_keys_typed_as_their_entities()
    {
        await MaterializeAsync();
        var lookup = await LookupAsync("--features", "driver_hourly_stats:conv_rate", "--features", "driver_hourly_stats:avg_daily_trips", "--entity", "driver_id=1001", "--json");

        Assert.True(lookup.ExitCode == 0, lookup.Error);
        using var json = JsonDocument.Parse(lookup.Output);
        Assert.Equal(["driver_id", "conv_rate", "avg_daily_trips"], json.RootElement.GetProperty("metadata").GetProperty("feature_names").EnumerateArray().Select(n => n.GetString()));
        var results = json.RootElement.GetProperty("results");
        Assert.Equal(1001L, results[0].GetProperty("values")[0].GetInt64());
        Assert.Equal(JsonValueKind.Number, results[2].GetProperty("values")[0].ValueKind);
        Assert.Equal("PRESENT", results[2].GetProperty("statuses")[0].GetString());
    }

    [Theory]
    [InlineData("driver_id=abc", "--entity 'driver_id=abc': driver_id is the int64 key of entity 'driver', and 'abc' is not a whole number.")]
    [InlineData("driver_id=99999999999999999999", "is not a whole number that fits int64")]
    [InlineData("driver_id", "'driver_id' is not KEY=VALUE")]
    [InlineData("customer_id=2001", "--entity must give driver_id: feature view 'driver_hourly_stats' is keyed by entity 'driver'")]
    [InlineData("driver_id=1,rider_id=2", "'rider_id' is not the join key of any entity; known join keys: customer_id, driver_id.")]
    [InlineData("driver_id=1,driver_id=2", "gives driver_id twice")]
    public async Task Bad_entity_arguments_are_one_clear_line(string entity, string expected)
    {
        var lookup = await LookupAsync("--features", "driver_hourly_stats:conv_rate", "--entity", entity);

        Assert.Equal(1, lookup.ExitCode);
        Assert.Contains(expected, lookup.Error);
        Assert.Single(lookup.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Entity_rows_must_name_the_same_join_keys()
    {
        var lookup = await LookupAsync("--service", "driver_activity_v1", "--entity", "driver_id=1,customer_id=2", "--entity", "driver_id=3");

        Assert.Equal(1, lookup.ExitCode);
        Assert.Contains("every entity row needs the same join keys", lookup.Error);
    }

    [Theory]
    [InlineData]
    [InlineData("--features", "driver_hourly_stats:conv_rate", "--service", "driver_activity_v1")]
    public async Task Features_or_service_exactly_one(params string[] choice)
    {
        var lookup = await LookupAsync([.. choice, "--entity", "driver_id=1"]);

        Assert.Equal(CliApplication.UsageError, lookup.ExitCode);
        Assert.Contains("Give exactly one of --features and --service.", lookup.Error);
    }

    [Fact]
    public async Task Unknown_feature_is_the_servers_error()
    {
        var lookup = await LookupAsync("--features", "driver_hourly_stats:nope", "--entity", "driver_id=1");

        Assert.Equal(1, lookup.ExitCode);
        Assert.Contains("nope", lookup.Error);
    }

    [Fact]
    public async Task Teardown_asks_first_and_deletes_only_on_yes()
    {
        await MaterializeAsync();
        var keys = await ProjectKeysAsync();
        Assert.True(keys > 100, $"{keys} keys after materialize");

        var nobodyToAsk = await CliRunner.RunAsync("teardown", "--repo", Repo, "--redis", redis.ConnectionString);
        var no = await AnsweringAsync("n", "teardown", "--repo", Repo, "--redis", redis.ConnectionString);
        Assert.Equal(keys, await ProjectKeysAsync());
        var yes = await AnsweringAsync("y", "teardown", "--repo", Repo, "--redis", redis.ConnectionString);

        Assert.Equal(1, nobodyToAsk.ExitCode);
        Assert.Contains("pass --yes", nobodyToAsk.Error);
        Assert.Equal(1, no.ExitCode);
        Assert.Contains($"Delete all online data of project '{_project}'", no.Error);
        Assert.Contains("Nothing deleted.", no.Error);
        Assert.True(yes.ExitCode == 0, yes.Error);
        Assert.Contains($"Deleted {keys:N0} keys of project '{_project}'", yes.Output);
        Assert.Equal(0, await ProjectKeysAsync());
        var after = await LookupAsync("--features", "driver_hourly_stats:conv_rate", "--entity", "driver_id=1001");
        Assert.Contains(" NOT_FOUND ", after.Output);
    }
}
