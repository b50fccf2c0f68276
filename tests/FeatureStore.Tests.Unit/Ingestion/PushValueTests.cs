using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Server.Ingestion;
using FeatureStore.Server.Serving;

namespace FeatureStore.Tests.Ingestion;

/// <summary>Pushed values become their declared types exactly, or are refused naming column and row.</summary>
public sealed class PushValueTests
{
    [Theory]
    [InlineData("2022-05-13 10:59:42+00:00", "2022-05-13T10:59:42.0000000+00:00")]
    [InlineData("2022-05-13 10:59:42", "2022-05-13T10:59:42.0000000+00:00")]
    [InlineData("2022-05-13T10:59:42Z", "2022-05-13T10:59:42.0000000+00:00")]
    [InlineData("2022-05-13T12:59:42.5+02:00", "2022-05-13T10:59:42.5000000+00:00")]
    [InlineData("2022-05-13T12:59:42.123456789+0200", "2022-05-13T10:59:42.1234567+00:00")]
    [InlineData("2022-05-13", "2022-05-13T00:00:00.0000000+00:00")]
    public void Timestamps_are_read_in_every_form_feast_sends_naive_meaning_utc(string text, string expected)
    {
        Assert.True(TimestampText.TryParse(text, out var value, out var problem), problem);
        Assert.Equal(expected, value.ToString("O"));
    }

    [Theory]
    [InlineData("13/05/2022")]
    [InlineData("2022-13-01")]
    [InlineData("2022-05-13T25:00:00")]
    [InlineData("now")]
    public void Text_that_is_not_a_timestamp_is_refused(string text) =>
        Assert.False(TimestampText.TryParse(text, out _, out _));

    [Fact]
    public void Epoch_numbers_are_seconds_and_milliseconds_are_refused_not_guessed()
    {
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1652439582), Convert(1652439582L, "timestamp"));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1652439582500), Convert(new SentNumber("1652439582.5"), "timestamp"));
        var error = Assert.Throws<UserInputException>(() => Convert(1652439582000L, "timestamp"));
        Assert.Equal("Column 'c' row 3: the number 1652439582000 is out of range for seconds since the Unix epoch (milliseconds or finer are not accepted); " +
                     "send " + TimestampText.Expected + ".", error.Message);
    }

    [Fact]
    public void Numbers_convert_only_when_the_value_keeps_its_meaning()
    {
        Assert.Equal(2.0, Convert(2L, "float64"));
        Assert.Equal(0.1f, Convert(new SentNumber("0.1"), "float32"));
        Assert.Equal(float.NaN, Convert("NaN", "float32"));
        Assert.Equal(7, Convert(7L, "int32"));
        Assert.Equal("Column 'c' row 3: expected an int64, got the number 1001.0.",
            Assert.Throws<UserInputException>(() => Convert(new SentNumber("1001.0"), "int64")).Message);
        Assert.Equal("Column 'c' row 3: the integer 3000000000 does not fit an int32.",
            Assert.Throws<UserInputException>(() => Convert(3_000_000_000L, "int32")).Message);
        Assert.Equal("Column 'c' row 3: the number 1e300 does not fit a float32.",
            Assert.Throws<UserInputException>(() => Convert(new SentNumber("1e300"), "float32")).Message);
        Assert.Equal("Column 'c' row 3: expected a bool, got the integer 1.",
            Assert.Throws<UserInputException>(() => Convert(1L, "bool")).Message);
    }

    [Fact]
    public void Lists_keep_null_elements_and_name_the_element_at_fault()
    {
        Assert.Equal(new object?[] { 1.5, null }, Convert(new object?[] { new SentNumber("1.5"), null }, "list<float64>"));
        Assert.Equal(new byte[] { 1, 2 }, Convert("AQI=", "bytes"));
        Assert.Equal("Column 'c' row 3 element 1: expected a string, got the integer 5.",
            Assert.Throws<UserInputException>(() => Convert(new object?[] { "a", 5L }, "list<string>")).Message);
        Assert.Equal("Column 'c' row 3: bytes are sent as base64 text, and this is not base64.",
            Assert.Throws<UserInputException>(() => Convert("not base64!", "bytes")).Message);
    }

    private static object? Convert(object? value, string type) =>
        PushValueConverter.Convert(value, FeatureType.Parse(type), "c", 3, KeyEncoding.Json);
}
