using FeatureStore.Bench;

return await BenchmarkRunner.RunAsync(args);
