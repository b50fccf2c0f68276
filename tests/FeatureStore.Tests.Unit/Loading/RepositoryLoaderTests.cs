using FeatureStore.Core.Definitions;

namespace FeatureStore.Tests.Loading;

public sealed class RepositoryLoaderTests
{
    [Fact]
    public async Task Valid_repository_loads_into_the_definition_model_with_locations()
    {
        using var repo = TestRepository.Create().Write("defs/driver.yaml", TestRepository.DriverDefinitions);
        await repo.WriteDriverParquetAsync();

        var loaded = await repo.LoadAsync();

        Assert.Equal("test_project", loaded.Definitions.Project);
        var entity = Assert.Single(loaded.Definitions.Entities);
        Assert.Equal(("driver", "driver_id", new FeatureType(ScalarType.Int64)), (entity.Name, entity.JoinKey, entity.ValueType));
        Assert.Equal(new SourceLocation("defs/driver.yaml", 2, 5), entity.Location);
        var view = Assert.Single(loaded.Definitions.FeatureViews);
        Assert.Equal(TimeSpan.FromDays(1), view.Ttl);
        Assert.True(view.Online);
        Assert.Equal(["conv_rate", "acc_rate", "avg_daily_trips"], view.Features.Select(f => f.Name));
        Assert.Equal(new FeatureType(ScalarType.Float32), view.Features[0].Type);
        Assert.Equal(new SourceLocation("defs/driver.yaml", 11, 5), view.Location);
        var source = Assert.Single(loaded.Definitions.Sources);
        Assert.Equal("created", source.CreatedTimestampField);
        var service = Assert.Single(loaded.Definitions.FeatureServices);
        Assert.Equal(["driver_hourly_stats:conv_rate", "driver_hourly_stats"], service.Features);
        Assert.Equal(repo.Root, loaded.Config.Root);
        Assert.Equal(Path.Combine(repo.Root, ".featurestore", "registry"), loaded.Config.RegistryPath);
    }

    [Fact]
    public async Task Owner_tags_and_descriptions_are_read_on_every_kind_of_object()
    {
        using var repo = TestRepository.Create().Write("defs.yaml", """
            entities:
              - name: driver
                join_key: driver_id
                value_type: int64
                description: A driver
                owner: drivers@example.com
                tags: {pii: "false"}
            sources:
              - name: driver_stats_source
                path: data/driver_stats.parquet
                timestamp_field: event_timestamp
                description: Hourly stats
                owner: data@example.com
                tags: {refresh: hourly}
            feature_views:
              - name: driver_hourly_stats
                entities: [driver]
                source: driver_stats_source
                online: false
                owner: team@example.com
                description: Stats
                tags: {team: drivers}
                features:
                  - name: conv_rate
                    type: float32
                    description: Conversion rate
                    tags: {unit: ratio}
            feature_services:
              - name: svc
                description: Model v1
                owner: ml@example.com
                tags: {stage: prod}
                features: [driver_hourly_stats:conv_rate]
            """);
        await repo.WriteDriverParquetAsync();

        var definitions = (await repo.LoadAsync()).Definitions;

        var entity = definitions.Entities[0];
        Assert.Equal(("A driver", "drivers@example.com", "false"), (entity.Description, entity.Owner, entity.Tags["pii"]));
        var source = definitions.Sources[0];
        Assert.Equal(("Hourly stats", "data@example.com", "hourly"), (source.Description, source.Owner, source.Tags["refresh"]));
        Assert.Null(source.CreatedTimestampField);
        var view = definitions.FeatureViews[0];
        Assert.Equal(("Stats", "team@example.com", "drivers", false), (view.Description, view.Owner, view.Tags["team"], view.Online));
        Assert.Equal(TimeSpan.Zero, view.Ttl);
        Assert.Equal(("Conversion rate", "ratio"), (view.Features[0].Description, view.Features[0].Tags["unit"]));
        var service = definitions.FeatureServices[0];
        Assert.Equal(("Model v1", "ml@example.com", "prod"), (service.Description, service.Owner, service.Tags["stage"]));
    }

    [Fact]
    public async Task Same_definitions_spread_over_other_files_give_the_same_objects_in_the_same_order()
    {
        using var one = TestRepository.Create().Write("all.yaml", TestRepository.DriverDefinitions);
        await one.WriteDriverParquetAsync();
        var lines = TestRepository.DriverDefinitions.Split('\n');
        using var split = TestRepository.Create()
            .Write("z/views.yaml", string.Join('\n', lines[9..18]))
            .Write("a/rest.yaml", string.Join('\n', lines[..9].Concat(lines[18..])));
        await split.WriteDriverParquetAsync();

        var first = (await one.LoadAsync()).Definitions;
        var second = (await split.LoadAsync()).Definitions;

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(first), System.Text.Json.JsonSerializer.Serialize(second));
        Assert.Equal("z/views.yaml", second.FeatureViews[0].Location!.File);
    }

    [Fact]
    public async Task Yaml_that_trips_the_scanner_is_a_located_problem_not_a_crash()
    {
        using var repo = TestRepository.Create().Write("defs.yaml", "entities: [driver\nbad: : :\n");

        var error = await Assert.ThrowsAsync<Core.Errors.DefinitionValidationException>(() => repo.LoadAsync());

        var problem = Assert.Single(error.Problems);
        Assert.Equal("defs.yaml", problem.Location.File);
        Assert.Contains("invalid YAML", problem.Message);
    }
}
