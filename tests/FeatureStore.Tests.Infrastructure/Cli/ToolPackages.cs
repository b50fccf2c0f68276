using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace FeatureStore.Tests.Cli;

/// <summary>
/// Once per test run: packs the <c>featurestore</c> tool and the client library with <c>dotnet pack</c> from the
/// projects this run built (<c>--no-build</c>, same configuration), then installs the tool into a temporary tool path
/// from that local folder only (a NuGet config that clears every other source), as a user would install it.
/// </summary>
public sealed class ToolPackages : IAsyncLifetime
{
    public const string ToolPackageId = "FeatureStore.Cli";
    public const string ClientPackageId = "FeatureStore.Client";

    private readonly string _root = Directory.CreateTempSubdirectory("featurestore-tool-").FullName;

    public string PackageFolder => Path.Combine(_root, "packages");

    public string ToolPath => Path.Combine(_root, "tools");

    /// <summary>The installed command.</summary>
    public string Featurestore => Path.Combine(ToolPath, OperatingSystem.IsWindows() ? "featurestore.exe" : "featurestore");

    public string Version { get; private set; } = "";

    public string ToolPackage => Path.Combine(PackageFolder, $"{ToolPackageId}.{Version}.nupkg");

    public string ClientPackage => Path.Combine(PackageFolder, $"{ClientPackageId}.{Version}.nupkg");

    /// <summary>What took how long, for the test output.</summary>
    public List<string> Timings { get; } = [];

    /// <summary>The environment that runs the installed tool with the SDK that runs these tests.</summary>
    public IReadOnlyDictionary<string, string> ToolEnvironment(IReadOnlyDictionary<string, string>? more = null)
    {
        var environment = new Dictionary<string, string> { ["DOTNET_ROOT"] = ExternalCommand.DotnetRoot() };
        foreach (var (name, value) in more ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }
        return environment;
    }

    public async Task InitializeAsync()
    {
        var (solution, configuration) = BuiltSolution();
        Directory.CreateDirectory(PackageFolder);
        foreach (var project in new[] { Path.Combine("materializer", "FeatureStore.Materializer.csproj"), Path.Combine("server", "FeatureStore.Client", "FeatureStore.Client.csproj") })
        {
            var pack = await ExternalCommand.RunAsync(ExternalCommand.Dotnet,
                ["pack", Path.Combine(solution, project), "--no-build", "-c", configuration, "-o", PackageFolder, "-nologo", "-v", "quiet"],
                timeout: TimeSpan.FromMinutes(10));
            Assert.True(pack.ExitCode == 0, $"dotnet pack {project} failed: {pack}");
            Timings.Add($"dotnet pack {Path.GetFileName(project)}: {pack.Elapsed.TotalSeconds:0.0} s");
        }
        var tool = Directory.GetFiles(PackageFolder, $"{ToolPackageId}.*.nupkg").Single();
        Version = Path.GetFileNameWithoutExtension(tool)[(ToolPackageId.Length + 1)..];
        Timings.Add($"{Path.GetFileName(tool)}: {new FileInfo(tool).Length / 1024.0 / 1024.0:0.0} MB");

        var config = Path.Combine(_root, "nuget.config");
        await File.WriteAllTextAsync(config, """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
              </packageSources>
            </configuration>
            """);
        var install = await ExternalCommand.RunAsync(ExternalCommand.Dotnet,
            ["tool", "install", "--tool-path", ToolPath, "--add-source", PackageFolder, "--configfile", config, ToolPackageId, "--version", Version],
            timeout: TimeSpan.FromMinutes(10), workingDirectory: _root);
        Assert.True(install.ExitCode == 0, $"dotnet tool install failed: {install}");
        Assert.True(File.Exists(Featurestore), $"dotnet tool install did not create {Featurestore}: {install}");
        Timings.Add($"dotnet tool install: {install.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>The <c>.nuspec</c> metadata of a package.</summary>
    public static XElement Metadata(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = nuspec.Open();
        var document = XDocument.Load(stream);
        return document.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    /// <summary>The entry names of a package.</summary>
    public static IReadOnlyList<string> Entries(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        return zip.Entries.Select(e => e.FullName).ToArray();
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return Task.CompletedTask;
    }

    /// <summary>The solution folder and the configuration these tests were built in (bin/&lt;configuration&gt;/&lt;tfm&gt;).</summary>
    private static (string Solution, string Configuration) BuiltSolution()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = output.Parent!.Name;
        for (var folder = output; folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "FeatureStore.sln")))
            {
                return (folder.FullName, configuration);
            }
        }
        throw new UnreachableException($"No FeatureStore.sln above {AppContext.BaseDirectory}.");
    }
}
