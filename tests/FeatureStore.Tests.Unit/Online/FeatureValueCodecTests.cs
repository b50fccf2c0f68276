using FeatureStore.Core.Definitions;
using FeatureStore.Core.Online;
using FeatureStore.Redis;

namespace FeatureStore.Tests.Online;

public sealed class FeatureValueCodecTests
{
    private static FeatureDefinition F(string name, string type) => new() { Name = name, Type = FeatureType.Parse(type) };

    private static readonly FeatureDefinition[] EveryType =
    [
        F("b", "bool"), F("i", "int32"), F("l", "int64"), F("f", "float32"), F("d", "float64"), F("s", "string"),
        F("y", "bytes"), F("t", "timestamp"),
        F("lb", "list<bool>"), F("li", "list<int32>"), F("ll", "list<int64>"), F("lf", "list<float32>"),
        F("ld", "list<float64>"), F("ls", "list<string>"), F("ly", "list<bytes>"), F("lt", "list<timestamp>"),
    ];

    /// <summary>One value of each of <see cref="EveryType"/>, including edge values (NaN, -0.0, extremes, empty lists).</summary>
    private static object?[] EveryTypeValue() =>
    [
        true, -123456, long.MinValue, 3.25f, double.Epsilon, "héllo ✓", new byte[] { 0, 1, 255 }, T,
        new[] { true, false }, new[] { int.MinValue, 0, int.MaxValue }, new[] { -1L, long.MaxValue },
        new[] { 1.5f, float.NaN }, new[] { -0.0, 1e300 }, new[] { "a", "", "ü" }, new[] { new byte[] { 9 }, Array.Empty<byte>() },
        new[] { T, DateTimeOffset.UnixEpoch.AddTicks(-10) },
    ];

    private static readonly DateTimeOffset T = new DateTimeOffset(2024, 5, 1, 12, 30, 15, TimeSpan.Zero).AddTicks(1230);

    [Fact]
    public void Every_type_round_trips_exactly()
    {
        var codec = new FeatureValueCodec(EveryType);
        var values = EveryTypeValue();
        var decoded = RoundTrip(codec, values);
        Assert.Equal(values.Length, decoded.Length);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(values[i], decoded[i]);
            Assert.Equal(values[i]!.GetType(), decoded[i]!.GetType());
        }
    }

    [Fact]
    public void Null_values_and_null_list_elements_round_trip()
    {
        var codec = new FeatureValueCodec(EveryType);
        var values = new object?[EveryType.Length];
        values[2] = 7L;
        values[9] = new int?[] { 1, null, 3 };
        values[13] = new[] { "x", null };
        values[11] = new List<float?> { null };
        values[8] = Array.Empty<bool>();
        var decoded = RoundTrip(codec, values);
        Assert.Null(decoded[0]);
        Assert.Equal(7L, decoded[2]);
        Assert.Equal(new int?[] { 1, null, 3 }, decoded[9]);
        Assert.Equal(new[] { "x", null }, decoded[13]);
        Assert.Equal(new float?[] { null }, decoded[11]);
        Assert.Equal(Array.Empty<bool>(), decoded[8]);
        Assert.Null(decoded[15]);
    }

    [Fact]
    public void Encoding_is_compact_binary()
    {
        var codec = new FeatureValueCodec([F("a", "float32"), F("b", "int64"), F("c", "int64")]);
        var blob = codec.Encode([0.5f, 3L, null]);
        // version + fingerprint + 1 bitmap byte + 4 (float) + 1 (varint 3) = 11 bytes.
        Assert.Equal(11, blob.Length);
    }

    [Theory]
    [InlineData("renamed")]
    [InlineData("retyped")]
    [InlineData("added")]
    [InlineData("reordered")]
    public void Blob_of_another_schema_does_not_decode(string change)
    {
        FeatureDefinition[] before = [F("a", "int64"), F("b", "float32")];
        FeatureDefinition[] after = change switch
        {
            "renamed" => [F("a", "int64"), F("c", "float32")],
            "retyped" => [F("a", "int64"), F("b", "float64")],
            "added" => [F("a", "int64"), F("b", "float32"), F("x", "string")],
            _ => [F("b", "float32"), F("a", "int64")],
        };
        var blob = new FeatureValueCodec(before).Encode([1L, 2f]);
        var newCodec = new FeatureValueCodec(after);
        Assert.NotEqual(new FeatureValueCodec(before).Fingerprint, newCodec.Fingerprint);
        Assert.False(newCodec.TryDecodeInto(blob, 0, Columns(after)));
    }

    [Fact]
    public void Truncated_blob_is_a_format_error()
    {
        var codec = new FeatureValueCodec([F("s", "string")]);
        var blob = codec.Encode(["a long enough string"]);
        Assert.Throws<FormatException>(() => codec.TryDecodeInto(blob.AsSpan(0, blob.Length - 3), 0, Columns(codec.Features)));
    }

    [Theory]
    [InlineData("all")]
    [InlineData("even")]
    [InlineData("odd")]
    [InlineData("last")]
    public void Decoding_into_typed_columns_skips_what_was_not_asked(string asked)
    {
        var codec = new FeatureValueCodec(EveryType);
        var full = EveryTypeValue();
        var withNulls = new object?[EveryType.Length];
        withNulls[2] = 7L;
        withNulls[5] = "x";
        withNulls[9] = new int?[] { 1, null, 3 };
        withNulls[13] = new[] { "x", null };
        withNulls[14] = new byte[]?[] { null, [1] };
        bool Wanted(int i) => asked switch { "all" => true, "even" => i % 2 == 0, "odd" => i % 2 == 1, _ => i == EveryType.Length - 1 };
        var columns = EveryType.Select((f, i) => Wanted(i) ? new FeatureColumn(f.Type, 2) : null).ToArray();

        foreach (var (values, row) in new[] { (full, 0), (withNulls, 1) })
        {
            foreach (var column in columns)
            {
                column?.SetRow(row, FeatureStatus.Present, 0);
            }
            Assert.True(codec.TryDecodeInto(codec.Encode(values), row, columns));
            for (var i = 0; i < EveryType.Length; i++)
            {
                if (columns[i] is not { } column)
                {
                    continue;
                }
                Assert.Equal(values[i] is null ? FeatureStatus.NullValue : FeatureStatus.Present, column[row].Status);
                Assert.Equal(values[i], column[row].Value);
            }
        }
    }

    /// <summary>Encodes, then decodes into one-row typed columns (the read path) and reads the values back.</summary>
    private static object?[] RoundTrip(FeatureValueCodec codec, object?[] values)
    {
        var blob = codec.Encode(values);
        var columns = codec.Features.Select(f => new FeatureColumn(f.Type, 1)).ToArray();
        foreach (var column in columns)
        {
            column.SetRow(0, FeatureStatus.Present, 0);
        }
        Assert.True(codec.TryDecodeInto(blob, 0, columns));
        return columns.Select(c => c[0].Value).ToArray();
    }

    private static FeatureColumn?[] Columns(IReadOnlyList<FeatureDefinition> features) =>
        features.Select(f => new FeatureColumn(f.Type, 1)).ToArray();
}
