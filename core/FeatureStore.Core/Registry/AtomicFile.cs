namespace FeatureStore.Core.Registry;

/// <summary>
/// Whole-file writes that readers and crashes never see half done: the bytes go to a uniquely named temporary file
/// in the same folder (a dot file, ignored by readers), are flushed to disk, then the file is moved into place.
/// </summary>
internal static class AtomicFile
{
    /// <summary>
    /// Creates <paramref name="path"/> with <paramref name="content"/>, failing with <see cref="IOException"/> if it
    /// already exists, so two writers can never both own it (on Unix the move is a hard link, atomic and exclusive).
    /// </summary>
    public static Task CreateNewAsync(string path, byte[] content, CancellationToken cancellationToken) =>
        WriteThenMoveAsync(path, content, overwrite: false, cancellationToken);

    /// <summary>Replaces <paramref name="path"/> (or creates it) in one rename.</summary>
    public static Task ReplaceAsync(string path, byte[] content, CancellationToken cancellationToken) =>
        WriteThenMoveAsync(path, content, overwrite: true, cancellationToken);

    /// <summary>True for the temporary files this class writes (left behind only if the process dies mid-write).</summary>
    public static bool IsTemporary(string fileName) => fileName.StartsWith('.') && fileName.EndsWith(".tmp", StringComparison.Ordinal);

    private static async Task WriteThenMoveAsync(string path, byte[] content, bool overwrite, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(content, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temp, path, overwrite);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: readers ignore temporary files.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

}
