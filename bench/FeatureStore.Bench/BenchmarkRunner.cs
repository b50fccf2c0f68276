using System.Reflection;

namespace FeatureStore.Bench;

/// <summary>One benchmark: prints its own figures next to a baseline measured in the same run.</summary>
internal interface IBenchmark
{
    /// <summary>The name given on the command line, e.g. <c>training-set</c>.</summary>
    string Name { get; }

    Task<int> RunAsync(string[] args);
}

/// <summary>
/// Finds every <see cref="IBenchmark"/> in this assembly so adding a benchmark is adding one file.
/// </summary>
internal static class BenchmarkRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var benchmarks = typeof(BenchmarkRunner).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(IBenchmark).IsAssignableFrom(t))
            .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
            .ToDictionary(b => b.Name, StringComparer.OrdinalIgnoreCase);
        if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var benchmark))
        {
            Console.Error.WriteLine(
                $"usage: dotnet run -c Release --project bench/FeatureStore.Bench -- <{string.Join("|", benchmarks.Keys.Order())}> [options]");
            return 2;
        }
        return await benchmark.RunAsync(args[1..]);
    }
}
