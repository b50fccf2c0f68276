using FeatureStore.Core.Errors;
using FeatureStore.Server;
using FeatureStore.Server.Configuration;

if (ServerArguments.WantsHelp(args))
{
    Console.WriteLine(ServerArguments.Usage);
    return 0;
}

WebApplication app;
try
{
    app = ServerHost.Build(args);
}
catch (UserInputException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}
await app.RunAsync();
return 0;
