namespace FeatureStore.Materializer.SampleData;

/// <summary>
/// Uniform numbers in [0, 1) derived from (seed, key, time, stream) by a SplitMix64 hash. Each value depends only on
/// its own coordinates, not on how many rows came before, so the same seed gives the same value for a driver at an
/// hour whatever the number of drivers or days asked for, on every machine and .NET version.
/// </summary>
internal static class SeededNoise
{
    public static double Uniform(int seed, long key, long time, int stream)
    {
        var h = Mix((ulong)(uint)seed);
        h = Mix(h ^ (ulong)key);
        h = Mix(h ^ (ulong)time);
        h = Mix(h ^ (ulong)(uint)stream);
        return (h >> 11) * (1.0 / (1UL << 53));
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
