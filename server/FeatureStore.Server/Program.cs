using FeatureStore.Server;

return await ServerProgram.RunAsync(args, Console.Out, Console.Error);
