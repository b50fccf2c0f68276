using DuckDB.NET.Data;
using FeatureStore.Core.Audit;
using FeatureStore.Core.Logging;
using FeatureStore.DuckDb;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Registry;
using Microsoft.Extensions.Logging;

namespace FeatureStore.Tests.Logging;

/// <summary>
/// The audit's first pass compares each view of a logged row by fingerprint and classifies value by value only the rows
/// whose fingerprints differ. Every feature type and every served status that agrees with the offline rows must agree
/// by fingerprint (else the audit is correct but slow), and a single differing value must be the only row that is
/// compared value by value, with the other features of that row still counted as matches.
/// </summary>
public sealed class LogAuditFingerprintTests : IDisposable
{
    private const int Rows = 8;
    private readonly TempFolder _folder = new();
    private readonly CapturedLog _log = new();

    public void Dispose()
    {
        _log.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Rows_that_agree_with_the_sources_in_every_type_and_status_agree_by_fingerprint_alone()
    {
        await WriteSourcesAsync();
        await WriteLogAsync(LogTestData.Request(Rows, firstDriver: 1));

        var report = await AuditAsync();

        Assert.Equal(Rows, report.Rows);
        Assert.Equal(LogTestData.Features.Select(f => f.ToString()), report.Features.Select(f => f.Feature));
        Assert.All(report.Features, f => Assert.Equal((Rows, Rows), (f.Rows, f.Matches)));
        Assert.Contains(_log.Entries, e => e.Message.Contains($"{Rows} of {Rows} logged rows agree", StringComparison.Ordinal));
        Assert.Contains(_log.Entries, e => e.Message.Contains("; 0 compared value by value", StringComparison.Ordinal));
    }

    [Fact]
    public async Task One_differing_value_is_the_only_row_compared_value_by_value_and_the_rest_of_it_still_matches()
    {
        await WriteSourcesAsync();
        var request = LogTestData.Request(Rows, firstDriver: 1);
        var label = LogTestData.Features.ToList().FindIndex(f => f.ToString() == "stats:label");
        request.ColumnOf(label).Set(5, "not-what-the-source-says");
        await WriteLogAsync(request);

        var report = await AuditAsync();

        Assert.Contains(_log.Entries, e => e.Message.Contains($"{Rows - 1} of {Rows} logged rows agree", StringComparison.Ordinal));
        Assert.Contains(_log.Entries, e => e.Message.Contains("; 1 compared value by value", StringComparison.Ordinal));
        foreach (var feature in report.Features)
        {
            Assert.Equal(Rows, feature.Rows);
            var differs = feature.Feature == "stats:label" ? 1 : 0;
            Assert.Equal(Rows - differs, feature.Matches);
            Assert.Equal(differs, feature.ByCause[MismatchCause.ValueDiffers]);
        }
    }

    private async Task<AuditReport> AuditAsync()
    {
        using var factory = LoggerFactory.Create(b => b.AddProvider(_log).SetMinimumLevel(LogLevel.Debug));
        var audit = new DuckDbLogAudit(logger: factory.CreateLogger<DuckDbLogAudit>());
        return await audit.RunAsync(new AuditRequest
        {
            Definitions = LogTestData.Definitions,
            RepositoryRoot = _folder.Path,
            Service = "everything",
            LogFolder = _folder.Combine("logs"),
            MismatchFile = _folder.Combine("mismatches.parquet"),
        });
    }

    private async Task WriteLogAsync(LoggedRequest request)
    {
        var log = new ServedFeatureLog(new ParquetLogFileWriter(), new FeatureLogOptions { Folder = _folder.Combine("logs"), FlushInterval = TimeSpan.FromHours(1) });
        var run = log.RunAsync();
        Assert.True(log.TryAppend(request));
        log.Complete();
        await run;
    }

    /// <summary>
    /// The offline rows that <see cref="LogTestData.Request"/> served: row <c>r</c> is driver <c>1 + r</c> (and customer
    /// <c>c{r}</c>) with the values of row <c>r</c> at the event time plus <c>r</c> µs; row 1 (NOT_FOUND) and row 3
    /// (OUTSIDE_MAX_AGE) have no row; row 2 (NULL_VALUE) has one of nulls.
    /// </summary>
    private async Task WriteSourcesAsync()
    {
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        var at = $"TIMESTAMPTZ '{LogTestData.Event.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff}+00'";
        var rows = $"FROM range(0, {Rows}) t(r) WHERE r NOT IN (1, 3)";
        command.CommandText = $"""
            SET TimeZone = 'UTC';
            COPY (SELECT 1 + r AS driver_id, {at} + to_microseconds(CASE WHEN r = 2 THEN 0 ELSE r END) AS ts,
                         CASE WHEN r <> 2 THEN CAST(r + 0.25 AS FLOAT) END AS conv,
                         CASE WHEN r <> 2 THEN 1000000000000 + r END AS trips,
                         CASE WHEN r <> 2 THEN 'label-' || r END AS label,
                         CASE WHEN r <> 2 THEN r % 2 = 0 END AS vip,
                         CASE WHEN r <> 2 THEN CAST(-r AS INTEGER) END AS level,
                         CASE WHEN r <> 2 THEN r / 3.0 END AS score,
                         CASE WHEN r <> 2 THEN unhex(printf('%02X', r) || 'FF') END AS raw,
                         CASE WHEN r <> 2 THEN {at} - to_microseconds(r) END AS seen,
                         CASE WHEN r <> 2 THEN CASE WHEN r % 2 = 0 THEN ['t' || r, 'x'] ELSE [NULL, 't' || r] END END AS tags,
                         CASE WHEN r <> 2 THEN CASE WHEN r % 2 = 0 THEN CAST([] AS FLOAT[]) ELSE [CAST(r + 0.5 AS FLOAT), NULL] END END AS emb,
                         CASE WHEN r <> 2 THEN [{at} + to_microseconds(r), NULL] END AS times
                  {rows}) TO '{_folder.Combine("stats.parquet")}' (FORMAT PARQUET);
            COPY (SELECT 1 + r AS driver_id, 'c' || r AS customer_id, {at} + to_microseconds(CASE WHEN r = 2 THEN 0 ELSE r END) AS ts,
                         CASE WHEN r <> 2 THEN CAST(-r AS INTEGER) END AS rides
                  {rows}) TO '{_folder.Combine("pair.parquet")}' (FORMAT PARQUET);
            """;
        await command.ExecuteNonQueryAsync();
    }
}
