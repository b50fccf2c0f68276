using System.Diagnostics;
using FeatureStore.Materializer.Cli;
using FeatureStore.Tests.Cli;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Scheduling;

/// <summary><c>featurestore worker</c> and the schedule columns of <c>featurestore status</c>, through the real command line.</summary>
[Collection(RedisCollection.Name)]
public sealed class WorkerCliTests(RedisFixture redis)
{
    [Fact]
    public async Task Status_shows_each_views_schedule_and_next_run()
    {
        using var repository = await MaterializationRepository.CreateAsync(redis.ConnectionString, defaultSchedule: "0 0 1 1 *", dailySchedule: "*/30 * * * *");

        var before = await CliRunner.RunAsync("status", "--repo", repository.Root);
        Assert.True(before.ExitCode == 0, before.Error);
        var lines = before.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Online store: ", lines[0]);
        Assert.Matches(@"^VIEW\s+WATERMARK\s+LAST RUN\s+ROWS\s+DURATION\s+SCHEDULE\s+NEXT RUN$", lines[1]);
        Assert.Matches(@"^driver_daily_stats\s+never\s+-\s+0\s+-\s+\*/30 \* \* \* \*\s+due now$", Line(lines, "driver_daily_stats"));
        Assert.Matches(@"^driver_hourly_stats\s+never\s+-\s+0\s+-\s+0 0 1 1 \*\s+due now$", Line(lines, "driver_hourly_stats"));
        Assert.DoesNotContain(lines, l => l.StartsWith("driver_offline_only", StringComparison.Ordinal));

        var run = await CliRunner.RunAsync("materialize-incremental", "--repo", repository.Root, "--end", "now");
        Assert.True(run.ExitCode == 0, run.Error);
        var after = (await CliRunner.RunAsync("status", "--repo", repository.Root)).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var ranAt = (await repository.StateOfAsync("driver_hourly_stats"))!.Watermark!.Value;
        Assert.Matches($@"\s0 0 1 1 \*\s+{ranAt.Year + 1}-01-01T00:00:00Z$", Line(after, "driver_hourly_stats"));
        var nextHalfHour = new DateTimeOffset(ranAt.Year, ranAt.Month, ranAt.Day, ranAt.Hour, ranAt.Minute < 30 ? 30 : 0, 0, TimeSpan.Zero)
            .AddHours(ranAt.Minute < 30 ? 0 : 1);
        Assert.Matches($@"\s\*/30 \* \* \* \*\s+{nextHalfHour:yyyy-MM-ddTHH:mm:ss}Z$", Line(after, "driver_daily_stats"));
    }

    [Fact]
    public async Task Worker_runs_due_views_until_cancelled_and_exits_cleanly()
    {
        using var repository = await MaterializationRepository.CreateAsync(redis.ConnectionString, defaultSchedule: "0 0 1 1 *");
        var output = new StringWriter();
        var error = new StringWriter();
        using var stop = new CancellationTokenSource();

        var worker = CliApplication.RunAsync(["worker", "--repo", repository.Root, "--poll-seconds", "1"], output, error, stop.Token);
        await repository.WaitForStateAsync("driver_hourly_stats");
        await repository.WaitForStateAsync("driver_daily_stats");
        await stop.CancelAsync();
        var exitCode = await worker.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, error.ToString());
        var text = output.ToString();
        Assert.Contains($"Worker for project {repository.Project} started, 2 scheduled views", text);
        Assert.Contains("  driver_hourly_stats: 0 0 1 1 * (UTC), next run due now", text);
        Assert.Matches(@"\S+Z driver_hourly_stats: 3 rows \(3 written", text);
        Assert.EndsWith("Worker stopped." + Environment.NewLine, text);
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public async Task Worker_without_any_schedule_says_how_to_set_one()
    {
        using var repository = await MaterializationRepository.CreateAsync(redis.ConnectionString);
        var output = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        var exitCode = await CliApplication.RunAsync(["worker", "--repo", repository.Root], output, new StringWriter(), stop.Token);

        Assert.Equal(0, exitCode);
        Assert.Contains("no view has a schedule yet (set materialization.schedule in featurestore.yaml or schedule: on a view, then apply)", output.ToString());
        Assert.Empty(await repository.Registry.GetMaterializationStateAsync());
    }

    [Fact]
    public async Task Worker_process_stops_cleanly_on_SIGTERM()
    {
        using var repository = await MaterializationRepository.CreateAsync(redis.ConnectionString, defaultSchedule: "0 0 1 1 *");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { FeaturestoreDll(), "worker", "--repo", repository.Root, "--poll-seconds", "1" })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await repository.WaitForStateAsync("driver_hourly_stats");
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]))
            {
                await kill.WaitForExitAsync();
            }
            await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await error}");
        Assert.EndsWith("Worker stopped.\n", await output);
    }

    private static string Line(IEnumerable<string> lines, string view) => lines.Single(l => l.StartsWith(view + " ", StringComparison.Ordinal)).TrimEnd();

    /// <summary>The CLI as built in its own output folder (its own dependency set, not the test project's).</summary>
    private static string FeaturestoreDll()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory);
        for (var folder = testOutput; folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "FeatureStore.sln")))
            {
                var dll = Path.Combine(folder.FullName, "materializer", "bin", testOutput.Parent!.Name, testOutput.Name, "featurestore.dll");
                return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the CLI first: {dll} is missing.");
            }
        }
        throw new InvalidOperationException($"No FeatureStore.sln above {AppContext.BaseDirectory}.");
    }
}
