using System.Collections.Concurrent;
using System.Diagnostics;
using FeatureStore.Core.Errors;

namespace FeatureStore.Core.Registry;

/// <summary>
/// Exclusive access to one registry folder across threads and processes, held around every read-modify-write
/// (apply, materialization state). Threads of this process queue on a semaphore; processes on an exclusive lock of
/// the folder's <c>.lock</c> file (<see cref="FileShare.None"/>, an OS lock that dies with its process, so a
/// crashed writer never leaves the registry locked). The lock file itself stays; deleting it would race.
/// </summary>
internal sealed class RegistryLock : IAsyncDisposable
{
    public const string FileName = ".lock";

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    private readonly SemaphoreSlim _gate;
    private readonly FileStream _file;
    private int _released;

    private RegistryLock(SemaphoreSlim gate, FileStream file)
    {
        _gate = gate;
        _file = file;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the lock of <paramref name="folder"/>, creating the folder if needed.</summary>
    public static async Task<RegistryLock> AcquireAsync(string folder, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        var gate = Gates.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        var clock = Stopwatch.StartNew();
        if (!await gate.WaitAsync(timeout, cancellationToken))
        {
            throw Busy(path, timeout, null);
        }
        try
        {
            var file = await AcquireFileAsync(path, timeout - clock.Elapsed, cancellationToken);
            return new RegistryLock(gate, file);
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    /// <summary>The inter-process part alone: opens the lock file exclusively, retrying until <paramref name="timeout"/>.</summary>
    internal static async Task<FileStream> AcquireFileAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex)
            {
                // Held by another process (or another open in this one); anything else persists and times out too.
                if (clock.Elapsed >= timeout)
                {
                    throw Busy(path, timeout, ex);
                }
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 100));
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new StoreUnavailableException($"Cannot open the registry lock file {path}: {ex.Message}", ex);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _file.Dispose();
            _gate.Release();
        }
        return ValueTask.CompletedTask;
    }

    private static StoreUnavailableException Busy(string path, TimeSpan timeout, Exception? inner) => new(
        $"The registry is busy: another apply or materialization held {path} for more than {timeout.TotalSeconds:0.#} s. " +
        "Nothing was changed; try again when it has finished.", inner);
}
