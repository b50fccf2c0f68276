using System.Globalization;
using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Offline;

/// <summary>
/// Where rows pushed to the offline store go: a new Parquet file in the folder a batch source reads, named so that
/// the source's path (a folder, or a glob whose wildcards sit in the file name or in a <c>**</c> folder) matches it,
/// written first under a temporary name the path does not match, so a reader never sees half a file.
/// A source that reads one file has no such place: it accepts online pushes only.
/// </summary>
public sealed class PushFileLocation
{
    private const string FolderPattern = "*.parquet";

    private PushFileLocation(string folder, string fileNamePattern)
    {
        Folder = folder;
        FileNamePattern = fileNamePattern;
    }

    /// <summary>The absolute folder new files are written to.</summary>
    public string Folder { get; }

    /// <summary>The wildcard pattern (<c>*</c>, <c>?</c>, <c>[...]</c>) a file name there must match to be read.</summary>
    public string FileNamePattern { get; }

    /// <summary>
    /// The location for offline pushes to <paramref name="batchSource"/>, or null with <paramref name="problem"/>
    /// saying why there is none (a single file, or a glob with wildcards in its folders).
    /// </summary>
    public static PushFileLocation? TryFor(SourceDefinition batchSource, string repositoryRoot, out string? problem)
    {
        problem = null;
        var full = Path.IsPathRooted(batchSource.Path)
            ? batchSource.Path
            : Path.GetFullPath(Path.Combine(repositoryRoot, batchSource.Path));
        var wildcard = full.IndexOfAny(['*', '?', '[']);
        if (wildcard < 0)
        {
            if (Directory.Exists(full))
            {
                return new PushFileLocation(full, FolderPattern);
            }
            problem = $"batch source '{batchSource.Name}' reads the single file '{batchSource.Path}', and offline pushes add files: " +
                      "give it a folder or a glob (e.g. data/driver_stats/ or data/driver_stats/*.parquet) to push to the offline store";
            return null;
        }
        var separator = full.LastIndexOfAny([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]);
        var fileNamePattern = full[(separator + 1)..];
        var folderSegments = full[..Math.Max(separator, 0)].Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]);
        var literal = new List<string>();
        var recursive = false;
        foreach (var segment in folderSegments)
        {
            if (segment == "**")
            {
                recursive = true;
            }
            else if (segment.IndexOfAny(['*', '?', '[']) >= 0)
            {
                problem = $"the glob '{batchSource.Path}' of batch source '{batchSource.Name}' has wildcards in a folder name, so an offline push " +
                          "cannot tell which folder to write to: put wildcards only in the file name or as a '**' folder";
                return null;
            }
            else if (!recursive)
            {
                literal.Add(segment);
            }
            else
            {
                problem = $"the glob '{batchSource.Path}' of batch source '{batchSource.Name}' names folders below '**', so an offline push " +
                          "cannot tell which folder to write to: end it with '**/<file pattern>' or name the folder";
                return null;
            }
        }
        if (fileNamePattern == "**" || fileNamePattern.Length == 0)
        {
            problem = $"the glob '{batchSource.Path}' of batch source '{batchSource.Name}' has no file name pattern (e.g. *.parquet)";
            return null;
        }
        var location = new PushFileLocation(string.Join(Path.DirectorySeparatorChar, literal) is { Length: > 0 } folder ? folder : "/", fileNamePattern);
        var sample = location.NewFileName("19700101T000000000Z-00000000");
        if (sample is null || !WildcardMatches(fileNamePattern, sample))
        {
            problem = $"the glob '{batchSource.Path}' of batch source '{batchSource.Name}' has a file name pattern that new files cannot be named after; " +
                      "it needs a '*' for a unique name (e.g. part-*.parquet)";
            return null;
        }
        if (WildcardMatches(fileNamePattern, TemporaryName(sample)))
        {
            problem = $"the glob '{batchSource.Path}' of batch source '{batchSource.Name}' would also read the temporary file an offline push writes " +
                      "first; end the file name pattern with a fixed extension (e.g. *.parquet)";
            return null;
        }
        return location;
    }

    /// <summary>A new file name the pattern matches, e.g. <c>push-20240513T105942123Z-1a2b3c4d.parquet</c> for <c>*.parquet</c>.</summary>
    public string NewFileName(DateTimeOffset now) =>
        NewFileName(now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8])
        ?? throw new InvalidOperationException($"No file name fits '{FileNamePattern}'.");

    /// <summary>The hidden name a file is written under before it is renamed to <paramref name="fileName"/>.</summary>
    public static string TemporaryName(string fileName) => $".{fileName}.tmp";

    private string? NewFileName(string stamp)
    {
        var name = new System.Text.StringBuilder();
        var stemWritten = false;
        for (var i = 0; i < FileNamePattern.Length; i++)
        {
            var c = FileNamePattern[i];
            switch (c)
            {
                case '*':
                    if (!stemWritten)
                    {
                        name.Append("push-").Append(stamp);
                        stemWritten = true;
                    }
                    break;
                case '?':
                    name.Append('0');
                    break;
                case '[':
                    var close = FileNamePattern.IndexOf(']', i + 2);
                    if (close < 0 || FileNamePattern[i + 1] is '!' or '^')
                    {
                        return null;
                    }
                    name.Append(FileNamePattern[i + 1]);
                    i = close;
                    break;
                default:
                    name.Append(c);
                    break;
            }
        }
        return stemWritten ? name.ToString() : null;
    }

    /// <summary>Glob matching of one path segment: <c>*</c> any run, <c>?</c> one character, <c>[abc]</c>, <c>[a-z]</c>, <c>[!a]</c>.</summary>
    public static bool WildcardMatches(string pattern, string name) => Match(pattern, 0, name, 0);

    private static bool Match(string pattern, int p, string name, int n)
    {
        while (p < pattern.Length)
        {
            var c = pattern[p];
            if (c == '*')
            {
                for (var rest = n; rest <= name.Length; rest++)
                {
                    if (Match(pattern, p + 1, name, rest))
                    {
                        return true;
                    }
                }
                return false;
            }
            if (n >= name.Length)
            {
                return false;
            }
            if (c == '?')
            {
                p++;
                n++;
                continue;
            }
            if (c == '[' && pattern.IndexOf(']', p + 1) is var close and > 0)
            {
                var negated = pattern[p + 1] is '!' or '^';
                var start = negated ? p + 2 : p + 1;
                var found = false;
                for (var i = start; i < close; i++)
                {
                    if (i + 2 < close && pattern[i + 1] == '-')
                    {
                        found |= name[n] >= pattern[i] && name[n] <= pattern[i + 2];
                        i += 2;
                    }
                    else
                    {
                        found |= name[n] == pattern[i];
                    }
                }
                if (found == negated)
                {
                    return false;
                }
                p = close + 1;
                n++;
                continue;
            }
            if (c != name[n])
            {
                return false;
            }
            p++;
            n++;
        }
        return n == name.Length;
    }
}
