using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Tests.Loading;

namespace FeatureStore.Tests.Scheduling;

/// <summary>Schedules are checked when the repository is loaded for plan and apply, each problem with its file and line.</summary>
public sealed class ScheduleValidationTests : IDisposable
{
    private readonly TestRepository _repository = TestRepository.Create(null);

    public void Dispose() => _repository.Dispose();

    private static string Config(string materialization = "") => TestRepository.DefaultConfig + "\n" + materialization;

    private static string Views(string hourlyExtra = "", string weeklyExtra = "") => $$"""
        entities:
          - name: driver
            join_key: driver_id
            value_type: int64
        sources:
          - name: driver_stats_source
            path: data/driver_stats.parquet
            timestamp_field: event_timestamp
        feature_views:
          - name: driver_hourly_stats
            entities: [driver]
            source: driver_stats_source
            features:
              - {name: conv_rate, type: float32}
        {{hourlyExtra}}
          - name: driver_weekly_stats
            entities: [driver]
            source: driver_stats_source
            features:
              - {name: acc_rate, type: float32}
        {{weeklyExtra}}
          - name: driver_offline_stats
            entities: [driver]
            source: driver_stats_source
            online: false
            features:
              - {name: avg_daily_trips, type: int64}
        """;

    private async Task<DefinitionSet> LoadAsync(string config, string views)
    {
        _repository.Write("featurestore.yaml", config).Write("driver.yaml", views);
        await _repository.WriteDriverParquetAsync();
        return (await _repository.LoadAsync()).Definitions;
    }

    [Fact]
    public async Task The_repository_default_applies_to_online_views_and_a_view_schedule_overrides_it()
    {
        var definitions = await LoadAsync(
            Config("materialization:\n  schedule: \"*/15 * * * *\""),
            Views(weeklyExtra: "    schedule: \"0 3 * * 1\""));

        Assert.Equal("*/15 * * * *", definitions.GetFeatureView("driver_hourly_stats").Schedule);
        Assert.Equal("0 3 * * 1", definitions.GetFeatureView("driver_weekly_stats").Schedule);
        Assert.Null(definitions.GetFeatureView("driver_offline_stats").Schedule); // never materialized
    }

    [Fact]
    public async Task Without_any_schedule_views_are_materialized_on_demand_only()
    {
        var definitions = await LoadAsync(Config(), Views());
        Assert.All(definitions.FeatureViews, v => Assert.Null(v.Schedule));
    }

    [Fact]
    public async Task Malformed_schedules_are_reported_together_with_file_and_line()
    {
        var error = await Assert.ThrowsAsync<DefinitionValidationException>(() => LoadAsync(
            Config("materialization:\n  schedule: \"every 15 minutes\""),
            Views(hourlyExtra: "    schedule: \"*/61 * * * *\"", weeklyExtra: "    schedule: \"0 0 31 2 *\"")));

        Assert.Collection(error.Problems,
            p =>
            {
                Assert.Equal("driver.yaml", p.Location.File);
                Assert.Equal(15, p.Location.Line);
                Assert.Contains("malformed schedule '*/61 * * * *' of feature view 'driver_hourly_stats'", p.Message);
            },
            p =>
            {
                Assert.Equal(new SourceLocation("driver.yaml", 21, 15), p.Location);
                Assert.Contains("'0 0 31 2 *' of feature view 'driver_weekly_stats': it never fires", p.Message);
            },
            p =>
            {
                Assert.Equal(new SourceLocation("featurestore.yaml", 8, 13), p.Location);
                Assert.Contains("malformed materialization.schedule 'every 15 minutes'", p.Message);
                Assert.Contains("*/15 * * * *", p.Message);
            });
    }

    [Fact]
    public async Task An_offline_view_cannot_have_a_schedule()
    {
        var views = Views().Replace("    online: false\n", "    online: false\n    schedule: \"@hourly\"\n");
        var error = await Assert.ThrowsAsync<DefinitionValidationException>(() => LoadAsync(Config(), views));
        var problem = Assert.Single(error.Problems);
        Assert.Equal("driver.yaml", problem.Location.File);
        Assert.Contains("feature view 'driver_offline_stats' is offline only (online: false)", problem.Message);
    }

    [Fact]
    public async Task An_unknown_key_under_materialization_is_reported()
    {
        var error = await Assert.ThrowsAsync<DefinitionValidationException>(() => LoadAsync(
            Config("materialization:\n  schedul: \"@hourly\""), Views()));
        var problem = Assert.Single(error.Problems);
        Assert.Equal("featurestore.yaml", problem.Location.File);
        Assert.Contains("schedul", problem.Message);
    }

    [Theory]
    [InlineData("*/15 * * * *")]
    [InlineData("@hourly")]
    public async Task An_unquoted_cron_schedule_is_reported_with_how_to_quote_it(string schedule)
    {
        var error = await Assert.ThrowsAsync<DefinitionValidationException>(() => LoadAsync(
            Config($"materialization:\n  schedule: {schedule}"), Views()));
        var problem = Assert.Single(error.Problems);
        Assert.Equal(8, problem.Location.Line);
        Assert.Contains($"a value starting with '{schedule[0]}' must be quoted", problem.Message);
    }
}
