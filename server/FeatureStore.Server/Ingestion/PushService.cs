using System.Diagnostics;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;
using FeatureStore.Core.Online;
using FeatureStore.Server.Configuration;
using FeatureStore.Server.Registry;
using Microsoft.Extensions.Options;

namespace FeatureStore.Server.Ingestion;

/// <summary>
/// The transport-neutral heart of <c>/push</c> and <c>/write-to-online-store</c>. A request is checked and converted
/// completely first (<see cref="PushFrame"/>), so a bad one writes nothing anywhere. Then:
/// <list type="number">
/// <item>offline (when asked): the rows become one new Parquet file of the batch source, durable before anything
/// else happens (<see cref="IBatchSourceAppender"/>);</item>
/// <item>online (when asked): for each online view, the latest row per key of the request
/// (<see cref="LatestRowPerKey"/>) goes through the same compare-and-set writer as materialization
/// (<see cref="IOnlineStore.OpenViewWriterAsync"/>), so an older row never replaces a newer one, whoever wrote it.</item>
/// </list>
/// An online failure after the offline write succeeded is UNAVAILABLE saying the rows are stored offline and the next
/// materialization brings them online.
/// </summary>
public sealed class PushService(
    ActiveDefinitions active,
    IOnlineStore store,
    IBatchSourceAppender offline,
    RepositoryConfig repository,
    IOptions<ServerOptions> options,
    ILogger<PushService> logger)
{
    private readonly int _maxRows = options.Value.MaxPushRows;

    public async Task<PushSummary> PushAsync(PushRequest request, CancellationToken cancellationToken)
    {
        var snapshot = active.Snapshot;
        var definitions = snapshot.Definitions;
        var target = request.Kind == PushTargetKind.PushSource
            ? PushTarget.ForPushSource(definitions, request.Name)
            : PushTarget.ForView(definitions, request.Name);
        var toOffline = request.To is PushTo.Offline or PushTo.OnlineAndOffline;
        var toOnline = request.To is PushTo.Online or PushTo.OnlineAndOffline;
        if (toOffline && PushFileLocation.TryFor(target.BatchSource, repository.Root, out var problem) is null)
        {
            throw new UserInputException($"{Capitalized(target.Description)} cannot take offline pushes: {problem}. Push with \"to\": \"online\" instead.");
        }
        var frame = PushFrame.Read(target, request.Columns, _maxRows, request.Encoding, DateTimeOffset.UtcNow);
        if (frame.RowCount == 0)
        {
            return new PushSummary(0, 0, 0, 0);
        }

        var offlineRows = 0;
        string? offlineFile = null;
        if (toOffline)
        {
            var appended = await offline.AppendAsync(OfflineRequest(frame), cancellationToken);
            offlineRows = appended.Rows;
            offlineFile = Path.GetRelativePath(repository.Root, appended.File);
            logger.LogDebug("Appended {Rows} pushed rows to {File}.", appended.Rows, offlineFile);
        }
        if (!toOnline)
        {
            return new PushSummary(frame.RowCount, 0, 0, offlineRows);
        }
        try
        {
            var (written, current) = await WriteOnlineAsync(definitions, snapshot.Version?.Number ?? 0, frame, cancellationToken);
            return new PushSummary(frame.RowCount, written, current, offlineRows);
        }
        catch (Exception ex) when (offlineFile is not null && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning("Pushed rows are stored offline in {File} but the online write failed: {Error}", offlineFile, ex.Message);
            throw new StoreUnavailableException(
                $"The {frame.RowCount} rows are stored offline ({offlineFile}), but writing them online failed: {ApiMessage(ex)} " +
                "Nothing is lost: the next materialization of the feature views brings them online.", ex);
        }
    }

    private async Task<(long Written, long AlreadyCurrent)> WriteOnlineAsync(
        DefinitionSet definitions, long registryVersion, PushFrame frame, CancellationToken cancellationToken)
    {
        long written = 0;
        long current = 0;
        foreach (var view in frame.Target.Views.Where(v => v.Online))
        {
            var started = Stopwatch.GetTimestamp();
            await using var writer = await store.OpenViewWriterAsync(definitions, view, registryVersion, cancellationToken);
            var keyEntities = writer.Layout.KeyEntities;
            var keyColumns = keyEntities.Select(e => frame[e.JoinKey]).ToArray();
            var featureColumns = view.Features.Select(f => frame[f.Name]).ToArray();
            var rows = LatestRowPerKey.Select(keyColumns, frame.EventTimestamps, frame.CreatedTimestamps, frame.RowCount);
            foreach (var row in rows)
            {
                var keys = new object[keyColumns.Length];
                for (var k = 0; k < keys.Length; k++)
                {
                    keys[k] = keyColumns[k][row]!;
                }
                var values = new object?[featureColumns.Length];
                for (var f = 0; f < values.Length; f++)
                {
                    values[f] = featureColumns[f][row];
                }
                await writer.WriteRowAsync(keys, values, frame.EventTimestamps[row], frame.CreatedTimestamps[row], cancellationToken);
            }
            await writer.FlushAsync(cancellationToken);
            written += writer.RowsWritten;
            current += frame.RowCount - writer.RowsWritten;
            logger.LogDebug("Pushed {Rows} rows to view {View}: {Written} written in {Elapsed} ms.",
                frame.RowCount, view.Name, writer.RowsWritten, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return (written, current);
    }

    private BatchAppendRequest OfflineRequest(PushFrame frame)
    {
        var target = frame.Target;
        var columns = target.Columns
            .Where(c => c.Role != PushColumnRole.CreatedTimestamp || frame.Has(c.Name))
            .Select(c => new BatchAppendColumn(c.Name, c.Type, frame[c.Name]))
            .ToArray();
        return new BatchAppendRequest(target.BatchSource, repository.Root, columns, frame.RowCount);
    }

    private static string ApiMessage(Exception exception) =>
        exception is UserInputException or StoreUnavailableException ? exception.Message : "the online store failed (see the server log).";

    private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
