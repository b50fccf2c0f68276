using System.Globalization;

namespace FeatureStore.Bench;

/// <summary>The benchmarks' few <c>--name value</c> options; a value that does not parse is an error, not the default.</summary>
internal static class BenchOptions
{
    public static string? String(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    public static long Long(string[] args, string name, long fallback) =>
        String(args, name) is { } text
            ? long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new ArgumentException($"{name} takes a whole number, not '{text}'.")
            : fallback;

    public static int Int(string[] args, string name, int fallback) => checked((int)Long(args, name, fallback));
}
