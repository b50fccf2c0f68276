using System.CommandLine;
using System.Text;
using System.Text.RegularExpressions;
using FeatureStore.Core.Errors;
using FeatureStore.Materializer.Cli;
using FeatureStore.Materializer.Init;
using FeatureStore.Materializer.SampleData;

namespace FeatureStore.Materializer.Commands;

/// <summary>
/// <c>featurestore init DIR</c>: writes a new feature repository (settings, definitions, .gitignore entries, and
/// with the driver template its sample data) and prints the next three commands. A folder that holds anything is
/// refused unless <c>--force</c>, and every check runs before the first file is written.
/// </summary>
internal sealed partial class InitCommand : ICliVerb
{
    public Command Build(CliContext context)
    {
        var folder = new Argument<string>("DIR") { Description = "Folder of the new repository (created when missing)" };
        var template = new Option<string>("--template")
        {
            Description = "driver: the example repository with sample data, ready to apply and serve; empty: settings and a commented skeleton",
            DefaultValueFactory = _ => RepositoryTemplate.Driver,
        };
        template.AcceptOnlyFromAmong(RepositoryTemplate.Names);
        var project = new Option<string?>("--project")
        {
            Description = "Project name (lower case letters, digits and _, starting with a letter); default: from the folder's name",
        };
        var force = new Option<bool>("--force") { Description = "Write into a folder that is not empty (files of the same names are replaced)" };
        var command = new Command("init", "Create a feature repository: featurestore.yaml, definitions, .gitignore and (driver template) sample data")
        {
            folder, template, project, force,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var typed = parseResult.GetValue(folder)!;
            var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(typed));
            var templateName = parseResult.GetValue(template) ?? RepositoryTemplate.Driver;
            var projectName = parseResult.GetValue(project) is { } given ? CheckProject(given) : ProjectFromFolder(root);
            if (File.Exists(root))
            {
                throw new UserInputException($"'{typed}' is a file; init needs a folder.");
            }
            if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any() && !parseResult.GetValue(force))
            {
                var entries = Directory.EnumerateFileSystemEntries(root).Select(Path.GetFileName).Order(StringComparer.Ordinal).Take(3).ToArray();
                throw new UserInputException(
                    $"'{typed}' is not empty (it holds {string.Join(", ", entries)}{(entries.Length == 3 ? ", ..." : "")}); " +
                    "choose a new or empty folder, or pass --force to write into it (files of the same names are replaced).");
            }

            var files = RepositoryTemplate.Files(templateName, projectName);
            Directory.CreateDirectory(root);
            foreach (var file in files)
            {
                await File.WriteAllTextAsync(Path.Combine(root, file.RelativePath), file.Content, Utf8, cancellationToken);
            }
            var gitIgnore = Path.Combine(root, ".gitignore");
            var ignored = RepositoryTemplate.GitIgnore(File.Exists(gitIgnore) ? await File.ReadAllTextAsync(gitIgnore, cancellationToken) : null);
            await File.WriteAllTextAsync(gitIgnore, ignored, Utf8, cancellationToken);

            await context.Output.WriteLineAsync($"Created feature repository '{projectName}' in {root} (template {templateName}):");
            foreach (var file in files.Select(f => f.RelativePath).Append(".gitignore"))
            {
                await context.Output.WriteLineAsync($"  {file}");
            }
            if (templateName == RepositoryTemplate.Driver)
            {
                var options = new SampleDataOptions(
                    SampleDataOptions.DefaultSeed, SampleDataOptions.DefaultDrivers, SampleDataOptions.DefaultCustomers, SampleDataOptions.DefaultDays,
                    DateTimeOffset.UtcNow);
                foreach (var sample in await SampleDataGenerator.WriteAsync(root, options, cancellationToken))
                {
                    await context.Output.WriteLineAsync($"  {sample.RelativePath} (sample data: {sample.Rows:N0} rows, {sample.Keys} keys, up to {sample.To:yyyy-MM-ddTHH:mm:ssZ})");
                }
            }

            var repo = Quoted(typed);
            await context.Output.WriteLineAsync();
            await context.Output.WriteLineAsync(templateName == RepositoryTemplate.Driver
                ? "Next, record the definitions, load the latest values into the online store, and serve them:"
                : $"Next, write your definitions (see {RepositoryTemplate.SkeletonFile}) and point the sources at your Parquet files; then:");
            await context.Output.WriteLineAsync($"  featurestore apply --repo {repo}");
            await context.Output.WriteLineAsync($"  featurestore materialize-incremental --repo {repo} --end now");
            await context.Output.WriteLineAsync($"  featurestore serve --repo {repo}");
            return CliApplication.Success;
        });
        return command;
    }

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private static string CheckProject(string name) => ProjectRule().IsMatch(name)
        ? name
        : throw new UserInputException($"--project '{name}' is not a project name: use lower case letters, digits and _, starting with a letter (e.g. driver_ranking).");

    /// <summary>The folder's name as a project name: lower case, every other character as _, as Feast's init does.</summary>
    private static string ProjectFromFolder(string root)
    {
        var name = Path.GetFileName(root);
        var project = NotAllowed().Replace(name.ToLowerInvariant(), "_").Trim('_');
        return ProjectRule().IsMatch(project)
            ? project
            : throw new UserInputException(
                $"The folder name '{name}' does not make a project name (lower case letters, digits and _, starting with a letter); give one with --project.");
    }

    /// <summary>The folder as typed, quoted for a POSIX shell when it needs to be.</summary>
    private static string Quoted(string path) =>
        path.Length > 0 && path.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-')
            ? path
            : "'" + path.Replace("'", "'\\''") + "'";

    [GeneratedRegex("^[a-z][a-z0-9_]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ProjectRule();

    [GeneratedRegex("[^a-z0-9_]+", RegexOptions.CultureInvariant)]
    private static partial Regex NotAllowed();
}
