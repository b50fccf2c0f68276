namespace FeatureStore.Garnet;

/// <summary>
/// The lock that makes one process at a time the host of an embedded store folder: an exclusive open of
/// <c>host.lock</c> (an advisory <c>flock</c> on Unix, a share-none handle on Windows), held for as long as the
/// process hosts. The operating system releases it when the process dies, however it dies, so a free lock means that
/// nobody hosts, and an endpoint file left by a crashed host is known to be stale without trusting its contents.
/// </summary>
internal sealed class HostLock : IDisposable
{
    public const string FileName = "host.lock";

    private readonly FileStream _handle;

    private HostLock(FileStream handle) => _handle = handle;

    /// <summary>The lock, or null while another process (or another attachment in this one) holds it.</summary>
    public static HostLock? TryAcquire(string folder)
    {
        try
        {
            return new HostLock(new FileStream(
                Path.Combine(folder, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.None));
        }
        catch (IOException ex) when (ex is not (DirectoryNotFoundException or PathTooLongException or FileNotFoundException))
        {
            // Held elsewhere: a sharing violation on Windows, a conflicting flock elsewhere.
            return null;
        }
    }

    /// <summary>Whether a process hosts the store now, without keeping the lock (for <c>featurestore status</c>).</summary>
    public static bool IsHeld(string folder)
    {
        if (!File.Exists(Path.Combine(folder, FileName)))
        {
            return false;
        }
        using var probe = TryAcquire(folder);
        return probe is null;
    }

    public void Dispose() => _handle.Dispose();
}
