using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.DuckDb;

namespace FeatureStore.Tests.Offline;

/// <summary>Every kind of bad input fails with a message naming the culprit, and leaves no output file behind.</summary>
public sealed class TrainingSetBadInputTests : IDisposable
{
    private PointInTimeScenario? _scenario;

    public void Dispose() => _scenario?.Dispose();

    private static readonly DateTime T0 = new(2024, 3, 1, 1, 0, 0, DateTimeKind.Utc);

    private async Task<(PointInTimeScenario Scenario, TrainingSetRequest Request)> SetUpAsync()
    {
        var scenario = _scenario = await PointInTimeScenario.CreateAsync(seed: 11, entityRows: 20, sourceRows: 60);
        var request = new TrainingSetRequest
        {
            Definitions = scenario.Definitions,
            RepositoryRoot = scenario.Root,
            Features = [new FeatureReference("driver_stats", "conv_rate"), new FeatureReference("customer_profile", "balance")],
            EntityFile = scenario.EntityParquet,
            OutputPath = Path.Combine(scenario.Root, "out", "training.parquet"),
        };
        return (scenario, request);
    }

    private static async Task<TException> AssertRejectedAsync<TException>(TrainingSetRequest request, params string[] messageParts)
        where TException : Exception
    {
        var ex = await Assert.ThrowsAsync<TException>(() => new DuckDbOfflineStore().WriteTrainingSetAsync(request));
        foreach (var part in messageParts)
        {
            Assert.Contains(part, ex.Message);
        }
        var outFolder = Path.GetDirectoryName(request.OutputPath)!;
        Assert.Empty(TrainingSetFiles.FilesIn(outFolder));
        return ex;
    }

    [Fact]
    public async Task Missing_join_key_column_in_entity_file_is_rejected()
    {
        var (scenario, request) = await SetUpAsync();
        var entities = Path.Combine(scenario.Root, "no_driver.parquet");
        await TestParquet.WriteAsync(entities,
            new TestColumn("customer_id", "VARCHAR", ["c01"]),
            new TestColumn("event_timestamp", "TIMESTAMP", [T0]));

        await AssertRejectedAsync<UserInputException>(request with { EntityFile = entities }, "no_driver.parquet", "'driver_id'", "driver_stats");
    }

    [Fact]
    public async Task Missing_timestamp_column_in_entity_file_is_rejected()
    {
        var (_, request) = await SetUpAsync();

        await AssertRejectedAsync<UserInputException>(request with { TimestampColumn = "observed_at" }, "no timestamp column 'observed_at'", "entities.parquet");
    }

    [Fact]
    public async Task Timestamp_column_that_holds_no_timestamps_is_rejected()
    {
        var (scenario, request) = await SetUpAsync();
        var entities = Path.Combine(scenario.Root, "int_time.parquet");
        await TestParquet.WriteAsync(entities,
            new TestColumn("driver_id", "BIGINT", [1000L]),
            new TestColumn("customer_id", "VARCHAR", ["c01"]),
            new TestColumn("event_timestamp", "BIGINT", [1L]));

        await AssertRejectedAsync<UserInputException>(request with { EntityFile = entities }, "'event_timestamp' is BIGINT");
    }

    [Fact]
    public async Task Join_key_of_incompatible_type_is_rejected()
    {
        var (scenario, request) = await SetUpAsync();
        var entities = Path.Combine(scenario.Root, "text_driver.parquet");
        await TestParquet.WriteAsync(entities,
            new TestColumn("driver_id", "VARCHAR", ["1000"]),
            new TestColumn("customer_id", "VARCHAR", ["c01"]),
            new TestColumn("event_timestamp", "TIMESTAMP", [T0]));

        await AssertRejectedAsync<UserInputException>(request with { EntityFile = entities }, "'driver_id' is VARCHAR", "int64");
    }

    [Fact]
    public async Task Unknown_feature_is_not_found()
    {
        var (_, request) = await SetUpAsync();

        await AssertRejectedAsync<NotFoundException>(request with { Features = [new FeatureReference("driver_stats", "no_such_feature")] }, "no_such_feature");
    }

    [Fact]
    public async Task Unknown_feature_view_is_not_found()
    {
        var (_, request) = await SetUpAsync();

        await AssertRejectedAsync<NotFoundException>(request with { Features = [new FeatureReference("no_such_view", "conv_rate")] }, "no_such_view");
    }

    [Fact]
    public async Task Unknown_feature_service_is_not_found()
    {
        var (scenario, _) = await SetUpAsync();

        var ex = Assert.Throws<NotFoundException>(() => scenario.Definitions.ResolveService("no_such_service"));
        Assert.Contains("no_such_service", ex.Message);
    }

    [Fact]
    public async Task Missing_entity_file_is_not_found()
    {
        var (scenario, request) = await SetUpAsync();

        await AssertRejectedAsync<NotFoundException>(request with { EntityFile = Path.Combine(scenario.Root, "absent.parquet") }, "absent.parquet");
    }

    [Fact]
    public async Task Corrupt_entity_parquet_file_is_rejected()
    {
        var (scenario, request) = await SetUpAsync();
        var entities = Path.Combine(scenario.Root, "corrupt.parquet");
        var bytes = await File.ReadAllBytesAsync(scenario.EntityParquet);
        await File.WriteAllBytesAsync(entities, bytes[..(bytes.Length / 2)]);

        await AssertRejectedAsync<UserInputException>(request with { EntityFile = entities }, "corrupt.parquet");
    }

    [Fact]
    public async Task Corrupt_source_parquet_file_is_rejected_naming_the_source()
    {
        var (scenario, request) = await SetUpAsync();
        var source = Path.Combine(scenario.Root, "driver_stats.parquet");
        var bytes = await File.ReadAllBytesAsync(source);
        await File.WriteAllBytesAsync(source, bytes[..(bytes.Length - 10)]);

        await AssertRejectedAsync<UserInputException>(request, "driver_source", "driver_stats.parquet");
    }

    [Fact]
    public async Task Missing_source_file_is_not_found()
    {
        var (scenario, request) = await SetUpAsync();
        File.Delete(Path.Combine(scenario.Root, "driver_stats.parquet"));

        await AssertRejectedAsync<NotFoundException>(request, "driver_source", "driver_stats.parquet");
    }

    [Fact]
    public async Task Feature_column_missing_from_source_is_rejected()
    {
        var (scenario, request) = await SetUpAsync();
        var renamed = scenario.Definitions with
        {
            Sources = scenario.Definitions.Sources.Select(s => s.Name == "driver_source"
                ? s with { FieldMapping = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["conv"] = "conv_rate" } }
                : s).ToArray(),
        };

        await AssertRejectedAsync<UserInputException>(request with { Definitions = renamed }, "'conv'", "driver_source");
    }

    [Theory]
    [InlineData("1001.5")]
    [InlineData("1000.9")]
    [InlineData("1.0015e3")]
    [InlineData("0x3E9")]
    [InlineData("1_001")]
    [InlineData("99999999999999999999")]
    [InlineData(" 1001")]
    public async Task Csv_key_that_is_not_exactly_an_int64_is_rejected_with_row_and_column(string key)
    {
        var (scenario, request) = await SetUpAsync();
        var csv = Path.Combine(scenario.Root, "keys.csv");
        await File.WriteAllTextAsync(csv,
            $"driver_id,customer_id,event_timestamp\n1000,c01,2024-03-01T01:00:00Z\n\"{key}\",c02,2024-03-01T01:00:00Z\n");

        await AssertRejectedAsync<UserInputException>(request with { EntityFile = csv }, "keys.csv", "row 2", "'driver_id'", $"'{key}'", "int64");
    }

    [Fact]
    public async Task Output_inside_a_folder_source_is_rejected_and_the_folder_is_unchanged()
    {
        var (scenario, request) = await SetUpAsync();
        var folder = Path.Combine(scenario.Root, "customer_profile");
        var before = Directory.GetFiles(folder).Order().ToArray();

        var ex = await Assert.ThrowsAsync<UserInputException>(() => new DuckDbOfflineStore().WriteTrainingSetAsync(
            request with { OutputPath = Path.Combine(folder, "nested", "training.parquet") }));

        Assert.Contains("customer_source", ex.Message);
        Assert.Equal(before, Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order().ToArray());
    }

    [Fact]
    public async Task Malformed_csv_entity_file_is_rejected()
    {
        var (scenario, request) = await SetUpAsync();
        var csv = Path.Combine(scenario.Root, "bad.csv");
        await File.WriteAllTextAsync(csv,
            "driver_id,customer_id,event_timestamp\n1000,c01,2024-03-01T01:00:00Z\n1001,c02,2024-03-01T01:00:00Z,extra,fields\n");

        await AssertRejectedAsync<UserInputException>(request with { EntityFile = csv }, "bad.csv", "CSV");
    }

    [Fact]
    public async Task Entity_file_that_is_neither_parquet_nor_csv_is_rejected()
    {
        var (scenario, request) = await SetUpAsync();
        var json = Path.Combine(scenario.Root, "entities.json");
        await File.WriteAllTextAsync(json, "[]");

        await AssertRejectedAsync<UserInputException>(request with { EntityFile = json }, "Parquet", "CSV", "entities.json");
    }

    [Fact]
    public async Task Two_features_with_the_same_name_without_full_feature_names_is_rejected()
    {
        var (scenario, request) = await SetUpAsync();
        var copy = scenario.Definitions.GetFeatureView("driver_stats") with { Name = "driver_stats_copy" };
        var definitions = scenario.Definitions with { FeatureViews = [.. scenario.Definitions.FeatureViews, copy] };

        await AssertRejectedAsync<UserInputException>(request with
        {
            Definitions = definitions,
            Features = [new FeatureReference("driver_stats", "conv_rate"), new FeatureReference("driver_stats_copy", "conv_rate")],
        }, "'conv_rate'", "--full-feature-names");
    }

    [Fact]
    public async Task Feature_named_like_an_entity_column_is_rejected()
    {
        var (scenario, request) = await SetUpAsync();
        var entities = Path.Combine(scenario.Root, "label_clash.parquet");
        await TestParquet.WriteAsync(entities,
            new TestColumn("driver_id", "BIGINT", [1000L]),
            new TestColumn("customer_id", "VARCHAR", ["c01"]),
            new TestColumn("event_timestamp", "TIMESTAMP", [T0]),
            new TestColumn("conv_rate", "FLOAT", [1f]));

        await AssertRejectedAsync<UserInputException>(request with { EntityFile = entities }, "'conv_rate'", "entity file");
    }

    [Fact]
    public async Task Failed_run_keeps_the_previous_output_file_untouched()
    {
        var (_, request) = await SetUpAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(request.OutputPath)!);
        await File.WriteAllTextAsync(request.OutputPath, "previous");

        await Assert.ThrowsAsync<UserInputException>(() => new DuckDbOfflineStore().WriteTrainingSetAsync(request with { TimestampColumn = "nope" }));

        Assert.Equal("previous", await File.ReadAllTextAsync(request.OutputPath));
        Assert.Single(TrainingSetFiles.FilesIn(Path.GetDirectoryName(request.OutputPath)!));
    }

    [Fact]
    public async Task Cancelled_request_writes_nothing()
    {
        var (_, request) = await SetUpAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new DuckDbOfflineStore().WriteTrainingSetAsync(request, cancelled.Token));

        Assert.Empty(TrainingSetFiles.FilesIn(Path.GetDirectoryName(request.OutputPath)!));
    }
}
