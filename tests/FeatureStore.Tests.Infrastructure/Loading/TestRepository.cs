using FeatureStore.DuckDb;
using FeatureStore.Core.Loading;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Loading;

/// <summary>A feature repository in a temporary folder, written by a test and deleted afterwards.</summary>
public sealed class TestRepository : IDisposable
{
    public const string DefaultConfig = """
        project: test_project
        online_store:
          type: redis
          connection_string: localhost:6379
        offline_store:
          type: duckdb
        """;

    private TestRepository(string root) => Root = root;

    public string Root { get; }

    public static TestRepository Create(string? config = DefaultConfig)
    {
        var root = Path.Combine(Path.GetTempPath(), "fs-loader-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var repository = new TestRepository(root);
        if (config is not null)
        {
            repository.Write("featurestore.yaml", config);
        }
        return repository;
    }

    public TestRepository Write(string relativePath, string content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return this;
    }

    /// <summary>Writes the driver statistics Parquet file used by <see cref="DriverDefinitions"/> (3 rows), with columns replaced or left out.</summary>
    public async Task WriteDriverParquetAsync(string relativePath = "data/driver_stats.parquet", string[]? without = null, params TestColumn[] replace)
    {
        var t0 = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var columns = new List<TestColumn>
        {
            new("driver_id", "BIGINT", [1001L, 1002L, 1003L]),
            new("event_timestamp", "TIMESTAMPTZ", [t0, t0.AddHours(1), t0.AddHours(2)]),
            new("created", "TIMESTAMPTZ", [t0, t0.AddHours(1), t0.AddHours(2)]),
            new("conv_rate", "FLOAT", [0.1f, 0.2f, 0.3f]),
            new("acc_rate", "FLOAT", [0.5f, 0.6f, 0.7f]),
            new("avg_daily_trips", "BIGINT", [10L, 20L, 30L]),
        };
        foreach (var column in replace)
        {
            var index = columns.FindIndex(c => c.Name == column.Name);
            if (index >= 0)
            {
                columns[index] = column;
            }
            else
            {
                columns.Add(column);
            }
        }
        columns.RemoveAll(c => without?.Contains(c.Name) == true);
        await TestParquet.WriteAsync(Path.Combine(Root, relativePath), columns.ToArray());
    }

    /// <summary>A valid single-file definition of one entity, source, view and service over the driver Parquet file.</summary>
    public const string DriverDefinitions = """
        entities:
          - name: driver
            join_key: driver_id
            value_type: int64
        sources:
          - name: driver_stats_source
            path: data/driver_stats.parquet
            timestamp_field: event_timestamp
            created_timestamp_field: created
        feature_views:
          - name: driver_hourly_stats
            entities: [driver]
            source: driver_stats_source
            ttl: 1d
            features:
              - {name: conv_rate, type: float32}
              - {name: acc_rate, type: float32}
              - {name: avg_daily_trips, type: int64}
        feature_services:
          - name: driver_activity
            features: [driver_hourly_stats:conv_rate, driver_hourly_stats]
        """;

    public Task<LoadedRepository> LoadAsync(ConfigOverrides? overrides = null, IReadOnlyDictionary<string, string>? environment = null) =>
        RepositoryLoader.LoadAsync(Root, new DuckDbSourceSchemaReader(), overrides, Environment(environment), CancellationToken.None);

    public Core.Definitions.RepositoryConfig LoadConfig(ConfigOverrides? overrides = null, IReadOnlyDictionary<string, string>? environment = null) =>
        RepositoryLoader.LoadConfig(Root, overrides, Environment(environment));

    /// <summary>The loader sees only these variables, so tests do not depend on (or change) the process environment.</summary>
    private static Func<string, string?> Environment(IReadOnlyDictionary<string, string>? variables) =>
        name => variables is not null && variables.TryGetValue(name, out var value) ? value : null;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
