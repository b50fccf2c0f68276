using FeatureStore.Core.Errors;
using FeatureStore.Server.Configuration;

namespace FeatureStore.Tests.Scheduling;

/// <summary><c>--materialize-on-schedule</c>: a switch (alone it means true), also settable by environment and settings file.</summary>
public sealed class MaterializeOnScheduleSettingTests
{
    private static readonly IReadOnlyDictionary<string, string?> NoEnvironment = new Dictionary<string, string?>();

    [Fact]
    public void It_is_off_by_default()
    {
        Assert.False(ServerArguments.Parse([], NoEnvironment).MaterializeOnSchedule);
    }

    [Theory]
    [InlineData(new[] { "--materialize-on-schedule" }, true)]
    [InlineData(new[] { "--materialize-on-schedule", "--http-port", "7000" }, true)]
    [InlineData(new[] { "--http-port", "7000", "--materialize-on-schedule" }, true)]
    [InlineData(new[] { "--materialize-on-schedule", "false" }, false)]
    [InlineData(new[] { "--materialize-on-schedule=true" }, true)]
    [InlineData(new[] { "--materialize-on-schedule=False" }, false)]
    public void The_flag_alone_means_true_and_takes_an_explicit_value(string[] args, bool expected)
    {
        var options = ServerArguments.Parse(args, NoEnvironment);
        Assert.Equal(expected, options.MaterializeOnSchedule);
        if (args.Contains("7000"))
        {
            Assert.Equal(7000, options.HttpPort); // the switch did not swallow the next flag
        }
    }

    [Fact]
    public void The_environment_sets_it_and_the_flag_overrides_the_environment()
    {
        var environment = new Dictionary<string, string?> { ["FEATURESTORE_MATERIALIZE_ON_SCHEDULE"] = "true" };
        Assert.True(ServerArguments.Parse([], environment).MaterializeOnSchedule);
        Assert.False(ServerArguments.Parse(["--materialize-on-schedule", "false"], environment).MaterializeOnSchedule);
    }

    [Fact]
    public void A_settings_file_sets_it_with_a_json_boolean()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("featurestore-settings-").FullName, "server.json");
        File.WriteAllText(file, """{"materialize_on_schedule": true}""");
        try
        {
            Assert.True(ServerArguments.Parse(["--settings", file], NoEnvironment).MaterializeOnSchedule);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    [Fact]
    public void A_value_other_than_true_or_false_is_refused_naming_where_it_came_from()
    {
        var flag = Assert.Throws<UserInputException>(() => ServerArguments.Parse(["--materialize-on-schedule", "yes"], NoEnvironment));
        Assert.Contains("flag --materialize-on-schedule: 'yes' is not true or false", flag.Message);

        var variable = Assert.Throws<UserInputException>(() => ServerArguments.Parse([],
            new Dictionary<string, string?> { ["FEATURESTORE_MATERIALIZE_ON_SCHEDULE"] = "1" }));
        Assert.Contains("environment variable FEATURESTORE_MATERIALIZE_ON_SCHEDULE", variable.Message);
    }

    [Fact]
    public void The_help_lists_it()
    {
        Assert.Contains("--materialize-on-schedule", ServerArguments.Usage);
        Assert.Contains("FEATURESTORE_MATERIALIZE_ON_SCHEDULE", ServerArguments.Usage);
    }
}
