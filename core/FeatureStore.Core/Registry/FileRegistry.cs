using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeatureStore.Core.Registry;

/// <summary>
/// The registry kept in a folder (by default <c>.featurestore/registry</c> of the repository):
/// <code>
/// versions/000001.json   number, UTC time, content hash, summary, diff and the full definitions; never rewritten
/// materialization.json   watermark and last run of every materialized view
/// .lock                  held during every read-modify-write, by threads and processes alike
/// </code>
/// Every file appears whole or not at all (written aside, flushed, then moved into place), so a failed or killed
/// apply leaves the previous version current, and readers need no lock.
/// </summary>
public sealed partial class FileRegistry : IRegistry
{
    public const string VersionsFolderName = "versions";
    public const string MaterializationFileName = "materialization.json";

    /// <summary>How long a writer waits for another apply or materialization to finish by default.</summary>
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(30);

    private readonly ILogger _logger;
    private readonly TimeSpan _lockTimeout;

    // Versions are immutable, so a parsed one stays valid while its file is the same file.
    private readonly ConcurrentDictionary<int, (long Length, DateTime WrittenAt, RegistryVersion Version)> _cache = new();

    /// <param name="registryFolder">Absolute folder of the registry (<see cref="RepositoryConfig.RegistryPath"/>); created on first write.</param>
    /// <param name="logger">Where applies are logged.</param>
    /// <param name="lockTimeout">How long a writer waits for a concurrent one; <see cref="DefaultLockTimeout"/> when null.</param>
    public FileRegistry(string registryFolder, ILogger<FileRegistry>? logger = null, TimeSpan? lockTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(registryFolder);
        if (!Path.IsPathRooted(registryFolder))
        {
            throw new ArgumentException($"The registry folder must be an absolute path, not '{registryFolder}'.", nameof(registryFolder));
        }
        Folder = Path.GetFullPath(registryFolder);
        _logger = logger ?? NullLogger<FileRegistry>.Instance;
        _lockTimeout = lockTimeout ?? DefaultLockTimeout;
    }

    /// <summary>The registry of a repository, where its <c>featurestore.yaml</c> (or an override) puts it.</summary>
    public static FileRegistry ForConfig(RepositoryConfig config, ILoggerFactory? loggerFactory = null) =>
        new(config.RegistryPath, loggerFactory?.CreateLogger<FileRegistry>());

    /// <summary>Absolute path of the registry folder.</summary>
    public string Folder { get; }

    private string VersionsFolder => Path.Combine(Folder, VersionsFolderName);

    private string MaterializationPath => Path.Combine(Folder, MaterializationFileName);

    public async Task<RegistryVersion?> GetCurrentAsync(CancellationToken cancellationToken = default)
    {
        var files = VersionFiles();
        return files.Count == 0 ? null : await ReadVersionAsync(files[^1].Number, files[^1].Path, cancellationToken);
    }

    public async Task<IReadOnlyList<RegistryVersion>> ListVersionsAsync(CancellationToken cancellationToken = default)
    {
        var versions = new List<RegistryVersion>();
        foreach (var (number, path) in VersionFiles())
        {
            versions.Add(await ReadVersionAsync(number, path, cancellationToken));
        }
        return versions;
    }

    public async Task<RegistryDiff> PlanAsync(DefinitionSet definitions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var current = await GetCurrentAsync(cancellationToken);
        EnsureSameProject(current, definitions);
        return RegistryDiffer.Diff(current?.Definitions, definitions);
    }

    public async Task<ApplyResult> ApplyAsync(DefinitionSet definitions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var canonical = CanonicalDefinitions.Normalize(definitions);
        var definitionsJson = CanonicalDefinitions.ToJson(canonical);
        var hash = CanonicalDefinitions.HashOf(definitionsJson);

        await using var held = await RegistryLock.AcquireAsync(Folder, _lockTimeout, cancellationToken);
        var current = await GetCurrentAsync(cancellationToken);
        EnsureSameProject(current, canonical);
        // Compared through today's model, so an upgrade that adds an optional property never forces a new version.
        if (current is not null && CanonicalDefinitions.Hash(current.Definitions) == hash)
        {
            _logger.LogInformation("Definitions unchanged; registry stays at version {Number}", current.Number);
            return new ApplyResult(current, Created: false);
        }

        var diff = RegistryDiffer.Diff(current?.Definitions, canonical);
        var version = new RegistryVersion((current?.Number ?? 0) + 1, DateTimeOffset.UtcNow, hash, canonical, diff);
        var document = new VersionDocument(
            VersionDocument.CurrentFormat, version.Number, version.AppliedAt, hash, DiffFormatter.Summarize(diff), diff, definitionsJson);
        var path = VersionPath(version.Number);
        try
        {
            Directory.CreateDirectory(VersionsFolder);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(document, IndentedOptions);
            await AtomicFile.CreateNewAsync(path, bytes, cancellationToken);
        }
        catch (IOException ex) when (File.Exists(path) || Directory.Exists(path))
        {
            throw new StoreUnavailableException(
                $"Registry version {version.Number} already exists at {path} although version {version.Number - 1} was current: " +
                "something wrote it without holding the registry lock. Nothing was applied.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"Could not record registry version {version.Number} in {VersionsFolder}: {ex.Message} Nothing was applied.", ex);
        }

        _logger.LogInformation("Applied registry version {Number} ({Hash}): {Summary}", version.Number, hash, document.Summary);
        return new ApplyResult(version, Created: true);
    }

    public async Task<IReadOnlyList<ViewMaterializationState>> GetMaterializationStateAsync(CancellationToken cancellationToken = default) =>
        (await ReadMaterializationAsync(cancellationToken)).OrderBy(s => s.View, StringComparer.Ordinal).ToArray();

    public async Task RecordMaterializationAsync(ViewMaterializationState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentException.ThrowIfNullOrWhiteSpace(state.View, nameof(state));
        await using var held = await RegistryLock.AcquireAsync(Folder, _lockTimeout, cancellationToken);
        var states = (await ReadMaterializationAsync(cancellationToken))
            .Where(s => s.View != state.View)
            .Append(ToUtc(state))
            .OrderBy(s => s.View, StringComparer.Ordinal)
            .ToArray();
        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(new MaterializationDocument(MaterializationDocument.CurrentFormat, states), IndentedOptions);
            await AtomicFile.ReplaceAsync(MaterializationPath, bytes, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"Could not record the materialization state in {MaterializationPath}: {ex.Message}", ex);
        }
    }

    private static readonly JsonSerializerOptions IndentedOptions = new(RegistryJson.Options) { WriteIndented = true };

    [GeneratedRegex(@"^(\d+)\.json$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionFileName();

    /// <summary>The version files present, by ascending number; temporary and foreign files are ignored.</summary>
    private List<(int Number, string Path)> VersionFiles()
    {
        if (!Directory.Exists(VersionsFolder))
        {
            return [];
        }
        var files = new List<(int Number, string Path)>();
        foreach (var file in Directory.EnumerateFiles(VersionsFolder))
        {
            var match = VersionFileName().Match(Path.GetFileName(file));
            if (match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0)
            {
                files.Add((number, file));
            }
        }
        files.Sort((a, b) => a.Number.CompareTo(b.Number));
        return files;
    }

    private string VersionPath(int number) =>
        Path.Combine(VersionsFolder, number.ToString("D6", CultureInfo.InvariantCulture) + ".json");

    private async Task<RegistryVersion> ReadVersionAsync(int number, string path, CancellationToken cancellationToken)
    {
        VersionDocument document;
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            if (_cache.TryGetValue(number, out var cached) && cached.Length == info.Length && cached.WrittenAt == info.LastWriteTimeUtc)
            {
                return cached.Version;
            }
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            document = JsonSerializer.Deserialize<VersionDocument>(bytes, RegistryJson.Options)
                ?? throw new JsonException("The file holds null.");
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new RegistryDamagedException(path, $"cannot be read: {ex.Message}", ex);
        }
        if (document.Format > VersionDocument.CurrentFormat)
        {
            throw new RegistryDamagedException(path,
                $"has format {document.Format}, newer than this featurestore understands ({VersionDocument.CurrentFormat}); upgrade featurestore", recoverable: false);
        }
        if (document.Number != number)
        {
            throw new RegistryDamagedException(path, $"says it is version {document.Number}; the registry was edited by hand");
        }
        var actualHash = CanonicalDefinitions.HashOf(document.Definitions);
        if (!string.Equals(actualHash, document.Hash, StringComparison.Ordinal))
        {
            throw new RegistryDamagedException(path,
                $"is damaged: its definitions hash to {actualHash[..12]}, not the recorded {document.Hash[..Math.Min(12, document.Hash.Length)]}");
        }

        DefinitionSet definitions;
        try
        {
            definitions = CanonicalDefinitions.FromJson(document.Definitions);
        }
        catch (JsonException ex)
        {
            throw new RegistryDamagedException(path, $"holds definitions this featurestore cannot read: {ex.Message}", ex);
        }
        var version = new RegistryVersion(document.Number, document.AppliedAt.ToUniversalTime(), document.Hash, definitions, document.Diff);
        _cache[number] = (info.Length, info.LastWriteTimeUtc, version);
        return version;
    }

    private async Task<IReadOnlyList<ViewMaterializationState>> ReadMaterializationAsync(CancellationToken cancellationToken)
    {
        var path = MaterializationPath;
        if (!File.Exists(path))
        {
            return [];
        }
        try
        {
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            var document = JsonSerializer.Deserialize<MaterializationDocument>(bytes, RegistryJson.Options)
                ?? throw new JsonException("The file holds null.");
            if (document.Format > MaterializationDocument.CurrentFormat)
            {
                throw new StoreUnavailableException($"{path} has format {document.Format}, newer than this featurestore understands; upgrade featurestore.");
            }
            return document.Views ?? [];
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new StoreUnavailableException($"Materialization state {path} cannot be read: {ex.Message}", ex);
        }
    }

    private static ViewMaterializationState ToUtc(ViewMaterializationState state) => state with
    {
        Watermark = state.Watermark?.ToUniversalTime(),
        LastRunAt = state.LastRunAt?.ToUniversalTime(),
        LastRunStart = state.LastRunStart?.ToUniversalTime(),
        LastRunEnd = state.LastRunEnd?.ToUniversalTime(),
    };

    private void EnsureSameProject(RegistryVersion? current, DefinitionSet definitions)
    {
        if (current is not null && current.Definitions.Project != definitions.Project)
        {
            throw new UserInputException(
                $"The registry at {Folder} belongs to project '{current.Definitions.Project}', but the definitions are for project " +
                $"'{definitions.Project}'. A project is never renamed in place (its online data is keyed by the name): " +
                "point 'registry:' in featurestore.yaml at a new folder for the new project.");
        }
    }
}
