using FeatureStore.Core.Definitions;
using FeatureStore.Core.Offline;

namespace FeatureStore.Tests.Ingestion;

/// <summary>Where an offline push may write: a file the source's path reads, under a temporary name it does not.</summary>
public sealed class PushFileLocationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("featurestore-pushloc-").FullName;

    [Fact]
    public void A_folder_source_takes_a_new_parquet_file_in_the_folder()
    {
        Directory.CreateDirectory(Path.Combine(_root, "data", "stats"));

        var location = PushFileLocation.TryFor(Source("data/stats/"), _root, out var problem);

        Assert.Null(problem);
        Assert.Equal(Path.Combine(_root, "data", "stats"), location!.Folder.TrimEnd('/'));
        var name = location.NewFileName(new DateTimeOffset(2024, 5, 13, 10, 59, 42, 123, TimeSpan.Zero));
        Assert.Matches(@"^push-20240513T105942123Z-[0-9a-f]{8}\.parquet$", name);
        Assert.False(PushFileLocation.WildcardMatches("*.parquet", PushFileLocation.TemporaryName(name)));
    }

    [Theory]
    [InlineData("data/stats/*.parquet", "data/stats", "*.parquet")]
    [InlineData("data/stats/part-*.parquet", "data/stats", "part-*.parquet")]
    [InlineData("data/stats/**/*.parquet", "data/stats", "*.parquet")]
    [InlineData("data/stats/file-*-??.parq[ue]et", "data/stats", "file-*-??.parq[ue]et")]
    public void A_glob_writes_to_its_folder_a_name_it_matches(string path, string folder, string pattern)
    {
        var location = PushFileLocation.TryFor(Source(path), _root, out var problem);

        Assert.Null(problem);
        Assert.Equal(Path.Combine(_root, folder), location!.Folder);
        Assert.Equal(pattern, location.FileNamePattern);
        Assert.True(PushFileLocation.WildcardMatches(pattern, location.NewFileName(DateTimeOffset.UtcNow)));
    }

    [Theory]
    [InlineData("data/stats.parquet", "reads the single file 'data/stats.parquet'")]
    [InlineData("data/*/stats.parquet", "has wildcards in a folder name")]
    [InlineData("data/**/2024/*.parquet", "names folders below '**'")]
    [InlineData("data/stats/*", "would also read the temporary file")]
    [InlineData("data/stats/fixed-?.parquet", "it needs a '*' for a unique name")]
    [InlineData("data/stats/x-*[!a].parquet", "new files cannot be named after")]
    public void A_source_without_a_place_for_new_files_says_why(string path, string reason)
    {
        Assert.Null(PushFileLocation.TryFor(Source(path), _root, out var problem));
        Assert.Contains(reason, problem);
    }

    [Theory]
    [InlineData("*.parquet", "a.parquet", true)]
    [InlineData("*.parquet", ".a.parquet.tmp", false)]
    [InlineData("part-?.parquet", "part-1.parquet", true)]
    [InlineData("part-[0-3].parquet", "part-4.parquet", false)]
    [InlineData("part-[!0-3].parquet", "part-4.parquet", true)]
    [InlineData("*", "anything", true)]
    public void Wildcards_match_as_in_a_glob(string pattern, string name, bool matches) =>
        Assert.Equal(matches, PushFileLocation.WildcardMatches(pattern, name));

    private static SourceDefinition Source(string path) => new() { Name = "stats", Path = path, TimestampField = "ts" };

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
