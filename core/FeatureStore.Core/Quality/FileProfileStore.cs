using System.Globalization;
using System.Text.Json;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeatureStore.Core.Quality;

/// <summary>
/// Profiles kept in the registry folder, beside the versions:
/// <code>
/// profiles/&lt;view&gt;/runs/&lt;UTC time&gt;-&lt;random&gt;.json   one record per materialization run, newest <see cref="HistoryLimit"/> kept
/// profiles/&lt;view&gt;/named/&lt;name&gt;.json                 reference profiles saved by name
/// </code>
/// Every file appears whole or not at all. Run records never change once written, so concurrent runs need no lock;
/// a record that cannot be read is skipped with a warning (it is history, not state).
/// </summary>
public sealed class FileProfileStore : IProfileStore
{
    public const string FolderName = "profiles";

    /// <summary>Run records kept per view by default: enough for a trend, small enough to read at once.</summary>
    public const int DefaultHistoryLimit = 100;

    private readonly ILogger _logger;

    public FileProfileStore(string registryFolder, int historyLimit = DefaultHistoryLimit, ILogger<FileProfileStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(registryFolder);
        ArgumentOutOfRangeException.ThrowIfLessThan(historyLimit, 1);
        Folder = Path.Combine(Path.GetFullPath(registryFolder), FolderName);
        HistoryLimit = historyLimit;
        _logger = logger ?? NullLogger<FileProfileStore>.Instance;
    }

    /// <summary>Absolute path of the <c>profiles</c> folder.</summary>
    public string Folder { get; }

    public int HistoryLimit { get; }

    public async Task RecordRunAsync(ProfileRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        var folder = RunsFolder(run.View);
        var name = run.RanAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmssffffff'Z'", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8] + ".json";
        try
        {
            Directory.CreateDirectory(folder);
            await AtomicFile.CreateNewAsync(Path.Combine(folder, name), ProfileJson.SerializeToUtf8Bytes(run, indented: true), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"Could not record the profile of view '{run.View}' in {folder}: {ex.Message}", ex);
        }
        foreach (var old in RunFiles(run.View).Skip(HistoryLimit))
        {
            TryDelete(old);
        }
    }

    public async Task<IReadOnlyList<ProfileRun>> ListRunsAsync(string view, int limit, CancellationToken cancellationToken = default)
    {
        var runs = new List<ProfileRun>();
        foreach (var file in RunFiles(view))
        {
            if (runs.Count >= limit)
            {
                break;
            }
            try
            {
                runs.Add(ProfileJson.Deserialize<ProfileRun>(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false)));
            }
            catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
            {
                // Pruned by a concurrent run, or damaged: history, so the rest still counts.
                if (File.Exists(file))
                {
                    _logger.LogWarning("Skipping the profile record {File}: {Reason}", file, ex.Message);
                }
            }
        }
        return runs;
    }

    public async Task SaveNamedAsync(string name, FeatureViewProfile profile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var path = NamedPath(profile.View, name);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await AtomicFile.ReplaceAsync(path, ProfileJson.SerializeToUtf8Bytes(profile, indented: true), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"Could not save profile '{name}' of view '{profile.View}' at {path}: {ex.Message}", ex);
        }
    }

    public async Task<FeatureViewProfile?> GetNamedAsync(string view, string name, CancellationToken cancellationToken = default)
    {
        var path = NamedPath(view, name);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return ProfileJson.Deserialize<FeatureViewProfile>(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new UserInputException($"Saved profile '{name}' of view '{view}' at {path} cannot be read: {ex.Message} Save it again with 'featurestore profile --save {name}'.", ex);
        }
    }

    private string ViewFolder(string view) =>
        NameRules.IsValidName(view)
            ? Path.Combine(Folder, view)
            : throw new UserInputException($"'{view}' is not a feature view name.");

    private string RunsFolder(string view) => Path.Combine(ViewFolder(view), "runs");

    private string NamedPath(string view, string name) =>
        NameRules.IsValidName(name)
            ? Path.Combine(ViewFolder(view), "named", name + ".json")
            : throw new UserInputException($"Profile name '{name}' is not valid: names must match {NameRules.NamePattern}.");

    /// <summary>The view's run records, newest first (names start with the run's UTC time, so they sort by it).</summary>
    private IEnumerable<string> RunFiles(string view)
    {
        var folder = RunsFolder(view);
        if (!Directory.Exists(folder))
        {
            return [];
        }
        // Runs recorded at the same time (a fixed clock) keep the order they were written in.
        return Directory.EnumerateFiles(folder, "*.json")
            .Where(f => !AtomicFile.IsTemporary(Path.GetFileName(f)))
            .Select(f => (Path: f, Time: Path.GetFileName(f).Split('-')[0], Written: File.GetLastWriteTimeUtc(f)))
            .OrderByDescending(f => f.Time, StringComparer.Ordinal)
            .ThenByDescending(f => f.Written)
            .Select(f => f.Path)
            .ToArray();
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogDebug("Could not prune the profile record {File}: {Reason}", path, ex.Message);
        }
    }
}
