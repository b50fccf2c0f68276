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
}
