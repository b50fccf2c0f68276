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
try
{
    await app.RunAsync();
}
catch (IOException ex)
{
    // Typically a port already in use: say so plainly instead of a stack trace.
    Console.Error.WriteLine($"error: {ex.Message} (choose other ports with --http-port / --grpc-port)");
    return 1;
}
return 0;
