using FeatureStore.DuckDb;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Loading;
using FeatureStore.Tests.Cli;
using FeatureStore.Tests.SampleData;

namespace FeatureStore.Tests.Loading;

public sealed class ExampleRepositoryTests
{
    [Fact]
    public async Task Example_definitions_with_generated_data_load_without_problems()
    {
        var folder = ExampleRepository.CopyToTemp();
        try
        {
            var generated = await CliRunner.RunAsync("sample-data", "--repo", folder, "--drivers", "5", "--customers", "5", "--days", "2");
            Assert.True(generated.ExitCode == 0, generated.Error);

            var loaded = await RepositoryLoader.LoadAsync(folder, new DuckDbSourceSchemaReader(), null, _ => null, CancellationToken.None);

            var definitions = loaded.Definitions;
            Assert.Equal("driver_ranking", definitions.Project);
            Assert.Equal(OnlineStoreTypes.Embedded, loaded.Config.OnlineStoreType);
            Assert.Equal(Path.Combine(Path.GetFullPath(folder), ".featurestore", "online"), loaded.Config.EmbeddedStore!.Path);
            Assert.Equal(Path.Combine(Path.GetFullPath(folder), ".featurestore", "registry"), loaded.Config.RegistryPath);
            Assert.Equal(["customer", "driver"], definitions.Entities.Select(e => e.Name));
            Assert.Equal(["customer_profile_source", "driver_stats_source"], definitions.Sources.Select(s => s.Name));

            var drivers = definitions.GetFeatureView("driver_hourly_stats");
            Assert.Equal(TimeSpan.FromDays(1), drivers.Ttl);
            Assert.Equal(["driver"], drivers.Entities);
            Assert.Equal(
                ["conv_rate float32", "acc_rate float32", "avg_daily_trips int64"],
                drivers.Features.Select(f => $"{f.Name} {f.Type}"));
            Assert.Equal("driver_performance", drivers.Tags["team"]);

            var customers = definitions.GetFeatureView("customer_profile");
            Assert.Equal(TimeSpan.FromDays(2), customers.Ttl);
            Assert.Equal(
                ["current_balance float32", "avg_passenger_count float32", "lifetime_trip_count int64"],
                customers.Features.Select(f => $"{f.Name} {f.Type}"));

            Assert.Equal(
                ["driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate", "customer_profile:current_balance",
                 "customer_profile:avg_passenger_count", "customer_profile:lifetime_trip_count"],
                definitions.ResolveService("driver_activity_v1").Select(r => r.ToString()));
            Assert.Equal(new SourceLocation("driver_stats.yaml", 2, 5), drivers.Location);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
