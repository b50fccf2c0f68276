using FeatureStore.Core.Definitions;
using FeatureStore.Core.Offline;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.DuckDb;

namespace FeatureStore.Tests.Offline;

/// <summary>Shape, names, types and lineage of the written training set.</summary>
public sealed class TrainingSetOutputTests
{
    private static TrainingSetRequest RequestFor(PointInTimeScenario scenario, params string[] features) => new()
    {
        Definitions = scenario.Definitions,
        RepositoryRoot = scenario.Root,
        Features = scenario.Definitions.ResolveReferences(features),
        EntityFile = scenario.EntityParquet,
        OutputPath = Path.Combine(scenario.Root, "out", "training.parquet"),
    };

    [Fact]
    public async Task Features_follow_entity_columns_in_request_order_with_declared_types()
    {
        using var scenario = await PointInTimeScenario.CreateAsync(seed: 21, entityRows: 30, sourceRows: 80);

        var result = await new DuckDbOfflineStore().WriteTrainingSetAsync(
            RequestFor(scenario, "customer_profile:tier", "driver_stats:trips", "pair_stats:score", "customer_profile:balance", "driver_stats:conv_rate"));

        var table = await TrainingSetFiles.ReadAsync(result.OutputPath);
        string[] expected = ["driver_id", "customer_id", "event_timestamp", "label", "tier", "trips", "score", "balance", "conv_rate"];
        Assert.Equal(expected, table.Columns);
        Assert.Equal(expected, result.Columns);
        Assert.Equal(["BIGINT", "VARCHAR", "TIMESTAMP", "BIGINT", "VARCHAR", "BIGINT", "FLOAT", "DOUBLE", "FLOAT"], table.Types);
    }

    [Fact]
    public async Task Full_feature_names_are_view__feature()
    {
        using var scenario = await PointInTimeScenario.CreateAsync(seed: 22, entityRows: 30, sourceRows: 80);

        var result = await new DuckDbOfflineStore().WriteTrainingSetAsync(
            RequestFor(scenario, "driver_stats", "customer_profile:balance") with { FullFeatureNames = true });

        var table = await TrainingSetFiles.ReadAsync(result.OutputPath);
        Assert.Equal(["driver_id", "customer_id", "event_timestamp", "label", "driver_stats__conv_rate", "driver_stats__trips", "customer_profile__balance"], table.Columns);
    }

    [Fact]
    public async Task Empty_entity_file_gives_an_empty_training_set_with_the_full_schema()
    {
        using var scenario = await PointInTimeScenario.CreateAsync(seed: 23, entityRows: 5, sourceRows: 40);
        var empty = Path.Combine(scenario.Root, "empty.parquet");
        await PointInTimeScenario.WriteEntitiesAsync(empty, [], zoned: false);

        var result = await new DuckDbOfflineStore().WriteTrainingSetAsync(RequestFor(scenario, "driver_stats:conv_rate", "customer_profile:tier") with { EntityFile = empty });

        var table = await TrainingSetFiles.ReadAsync(result.OutputPath);
        Assert.Equal(0, result.RowCount);
        Assert.Empty(table.Rows);
        Assert.Equal(["driver_id", "customer_id", "event_timestamp", "label", "conv_rate", "tier"], table.Columns);
        Assert.Equal(["BIGINT", "VARCHAR", "TIMESTAMP", "BIGINT", "FLOAT", "VARCHAR"], table.Types);
    }

    [Fact]
    public async Task Empty_csv_entity_file_gives_an_empty_training_set()
    {
        using var scenario = await PointInTimeScenario.CreateAsync(seed: 24, entityRows: 5, sourceRows: 40);
        var empty = Path.Combine(scenario.Root, "empty.csv");
        await File.WriteAllTextAsync(empty, "driver_id,customer_id,event_timestamp,label\n");

        var result = await new DuckDbOfflineStore().WriteTrainingSetAsync(RequestFor(scenario, "pair_stats:score") with { EntityFile = empty });

        var table = await TrainingSetFiles.ReadAsync(result.OutputPath);
        Assert.Empty(table.Rows);
        Assert.Equal(["driver_id", "customer_id", "event_timestamp", "label", "score"], table.Columns);
    }

    [Fact]
    public async Task Lineage_is_stored_in_the_parquet_metadata_and_reads_back()
    {
        using var scenario = await PointInTimeScenario.CreateAsync(seed: 25, entityRows: 40, sourceRows: 80);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var result = await new DuckDbOfflineStore().WriteTrainingSetAsync(RequestFor(scenario, "driver_stats:conv_rate", "customer_profile:tier") with
        {
            RegistryVersion = 7,
            RegistryHash = "sha256:abc123",
            AsOfCreated = true,
        });

        var lineage = await TrainingSetLineageReader.ReadAsync(result.OutputPath);
        Assert.Equal(result.Lineage, lineage with { Features = result.Lineage.Features, SourceFiles = result.Lineage.SourceFiles, SkippedSourceRows = result.Lineage.SkippedSourceRows });
        Assert.Equal(result.Lineage.SkippedSourceRows, lineage.SkippedSourceRows);
        Assert.Equal(["customer_profile", "driver_stats"], lineage.SkippedSourceRows.Keys.Order());
        Assert.Equal(7, lineage.RegistryVersion);
        Assert.Equal("sha256:abc123", lineage.RegistryHash);
        Assert.Equal(["driver_stats:conv_rate", "customer_profile:tier"], lineage.Features);
        Assert.Equal(40, lineage.RowCount);
        Assert.True(lineage.AsOfCreated);
        Assert.InRange(lineage.CreatedAt, before, DateTimeOffset.UtcNow);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(scenario.EntityParquet))), lineage.EntityFileSha256);

        // One entry per file actually read: the driver file and both customer_profile parts, with size and mtime.
        Assert.Equal(3, lineage.SourceFiles.Count);
        Assert.Equal(["customer_source", "customer_source", "driver_source"], lineage.SourceFiles.Select(f => f.Source).Order());
        foreach (var file in lineage.SourceFiles)
        {
            var info = new FileInfo(file.Path);
            Assert.Equal(info.Length, file.SizeBytes);
            Assert.Equal(new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero), file.ModifiedAt);
        }
    }

    [Fact]
    public async Task Lineage_keys_are_readable_with_plain_duckdb_sql()
    {
        using var scenario = await PointInTimeScenario.CreateAsync(seed: 26, entityRows: 10, sourceRows: 40);
        var result = await new DuckDbOfflineStore().WriteTrainingSetAsync(RequestFor(scenario, "driver_stats:trips") with { RegistryVersion = 3 });

        // The query documented in docs/training-sets.md.
        await using var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT decode(value) FROM parquet_kv_metadata($p) WHERE decode(key) = 'featurestore.registry_version'";
        command.Parameters.Add(new DuckDB.NET.Data.DuckDBParameter("p", result.OutputPath));
        Assert.Equal("3", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Output_replaces_an_existing_file_and_leaves_no_temporary_files()
    {
        using var scenario = await PointInTimeScenario.CreateAsync(seed: 27, entityRows: 10, sourceRows: 40);
        var request = RequestFor(scenario, "driver_stats:trips");
        Directory.CreateDirectory(Path.GetDirectoryName(request.OutputPath)!);
        await File.WriteAllTextAsync(request.OutputPath, "old");

        await new DuckDbOfflineStore().WriteTrainingSetAsync(request);

        Assert.Equal(["training.parquet"], TrainingSetFiles.FilesIn(Path.GetDirectoryName(request.OutputPath)!));
        Assert.Equal(10, (await TrainingSetFiles.ReadAsync(request.OutputPath)).Rows.Count);
    }

    [Fact]
    public async Task Explicit_memory_limit_temp_directory_and_threads_are_applied()
    {
        using var scenario = await PointInTimeScenario.CreateAsync(seed: 28, entityRows: 300, sourceRows: 600);
        var spill = Directory.CreateTempSubdirectory("fs-spill-").FullName;

        var result = await new DuckDbOfflineStore(new OfflineStoreOptions { MemoryLimit = "64MB", TempDirectory = spill, Threads = 1 })
            .WriteTrainingSetAsync(RequestFor(scenario, "driver_stats", "pair_stats:score"));

        Assert.Equal(300, result.RowCount);
        Assert.Empty(Directory.GetFiles(spill, "*", SearchOption.AllDirectories)); // DuckDB cleans up its spill files
        Directory.Delete(spill, recursive: true);
        await Assert.ThrowsAsync<FeatureStore.Core.Errors.UserInputException>(() =>
            new DuckDbOfflineStore(new OfflineStoreOptions { MemoryLimit = "lots" }).WriteTrainingSetAsync(RequestFor(scenario, "driver_stats")));
    }
}
