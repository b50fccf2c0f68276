using System.Buffers;
using System.Globalization;
using System.Text.Json;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Online;
using FeatureStore.Server.Serving;

namespace FeatureStore.Server.HttpApi;

/// <summary>
/// Writes Feast's <c>/get-online-features</c> response shape:
/// <c>{"metadata": {"feature_names": [...]}, "results": [{"values": [...], "statuses": [...], "event_timestamps": [...]}]}</c>,
/// join key columns first. Values are typed JSON: numbers as numbers, floats always with a fraction or exponent
/// (<c>2.0</c>, never <c>2</c>: Feast clients infer the type from the text; NaN and infinities as the strings "NaN",
/// "Infinity", "-Infinity", as protobuf's JSON mapping does), timestamps as ISO-8601 UTC strings (0, 3 or 6 fraction digits), bytes as base64,
/// lists as arrays, null for anything not PRESENT. A missing event timestamp is written as the Unix epoch, as Feast
/// does, so Feast clients that parse every timestamp keep working.
/// </summary>
internal static class FeastJsonResponseWriter
{
    private const string EpochText = "1970-01-01T00:00:00Z";

    // Pre-encoded: a 100 x 50 answer writes 5,000 statuses and timestamps, and encoded text skips the escaping check.
    private static readonly JsonEncodedText Epoch = JsonEncodedText.Encode(EpochText);
    private static readonly JsonEncodedText[] StatusTexts =
        Enum.GetValues<FeatureStatus>().Select(status => JsonEncodedText.Encode(StatusName(status))).ToArray();

    public static void Write(IBufferWriter<byte> output, ServingResult result)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        json.WriteStartObject();
        json.WriteStartObject("metadata");
        json.WriteStartArray("feature_names");
        foreach (var name in result.Names)
        {
            json.WriteStringValue(name);
        }
        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartArray("results");
        foreach (var key in result.KeyColumns)
        {
            json.WriteStartObject();
            json.WriteStartArray("values");
            foreach (var value in key.Values)
            {
                WriteValue(json, value);
            }
            json.WriteEndArray();
            WriteRepeated(json, "statuses", StatusTexts[(int)FeatureStatus.Present], key.Values.Count);
            WriteRepeated(json, "event_timestamps", Epoch, key.Values.Count);
            json.WriteEndObject();
        }
        using var timestamps = new RowTimestampTexts(result.RowCount);
        foreach (var column in result.Features.Columns)
        {
            json.WriteStartObject();
            json.WriteStartArray("values");
            WriteValues(json, column);
            json.WriteEndArray();
            json.WriteStartArray("statuses");
            foreach (var status in column.Statuses)
            {
                json.WriteStringValue(StatusTexts[(int)status]);
            }
            json.WriteEndArray();
            json.WriteStartArray("event_timestamps");
            var micros = column.EventTimestampMicros;
            for (var row = 0; row < micros.Length; row++)
            {
                if (micros[row] == TimestampMicros.Missing)
                {
                    json.WriteStringValue(Epoch);
                }
                else
                {
                    json.WriteRawValue(timestamps.Get(row, micros[row]), skipInputValidation: true);
                }
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static string StatusName(FeatureStatus status) => status switch
    {
        FeatureStatus.Present => "PRESENT",
        FeatureStatus.NullValue => "NULL_VALUE",
        FeatureStatus.NotFound => "NOT_FOUND",
        FeatureStatus.OutsideMaxAge => "OUTSIDE_MAX_AGE",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown feature status."),
    };

    private static void WriteRepeated(Utf8JsonWriter json, string name, JsonEncodedText text, int count)
    {
        json.WriteStartArray(name);
        for (var i = 0; i < count; i++)
        {
            json.WriteStringValue(text);
        }
        json.WriteEndArray();
    }

    /// <summary>A column's values from its typed array (no boxing); null where the status is not PRESENT.</summary>
    private static void WriteValues(Utf8JsonWriter json, FeatureColumn column)
    {
        var statuses = column.Statuses;
        for (var row = 0; row < column.Count; row++)
        {
            if (statuses[row] != FeatureStatus.Present)
            {
                json.WriteNullValue();
                continue;
            }
            switch (column.Values)
            {
                case double[] doubles:
                    WriteValue(json, doubles[row]);
                    break;
                case float[] floats:
                    WriteValue(json, floats[row]);
                    break;
                case long[] longs when column.Type.Scalar != ScalarType.Timestamp:
                    json.WriteNumberValue(longs[row]);
                    break;
                case int[] ints:
                    json.WriteNumberValue(ints[row]);
                    break;
                case string?[] strings:
                    json.WriteStringValue(strings[row]);
                    break;
                default:
                    WriteValue(json, column[row].Value);
                    break;
            }
        }
    }

    private static void WriteValue(Utf8JsonWriter json, double d)
    {
        if (double.IsFinite(d))
        {
            Span<byte> buffer = stackalloc byte[40];
            d.TryFormat(buffer, out var length, default, CultureInfo.InvariantCulture);
            json.WriteRawValue(buffer[..WithFraction(buffer, length)], skipInputValidation: true);
        }
        else
        {
            json.WriteStringValue(NonFinite(d));
        }
    }

    private static void WriteValue(Utf8JsonWriter json, float f)
    {
        if (float.IsFinite(f))
        {
            Span<byte> buffer = stackalloc byte[40];
            f.TryFormat(buffer, out var length, default, CultureInfo.InvariantCulture);
            json.WriteRawValue(buffer[..WithFraction(buffer, length)], skipInputValidation: true);
        }
        else
        {
            json.WriteStringValue(NonFinite(f));
        }
    }

    /// <summary>
    /// Makes a float's text read as a float: Feast's remote online store infers each value's type from the JSON, and
    /// Python reads <c>2</c> as an int (INT64, and a list mixing 2 and 2.5 as an error), <c>2.0</c> as a float. The
    /// shortest round-trip text (<c>2</c>, <c>0.1</c>, <c>1E+20</c>) gets <c>.0</c> when it has neither a point nor an
    /// exponent. Returns the new length.
    /// </summary>
    private static int WithFraction(Span<byte> text, int length)
    {
        if (text[..length].IndexOfAny((byte)'.', (byte)'E', (byte)'e') >= 0)
        {
            return length;
        }
        text[length] = (byte)'.';
        text[length + 1] = (byte)'0';
        return length + 2;
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case int i:
                json.WriteNumberValue(i);
                break;
            case long l:
                json.WriteNumberValue(l);
                break;
            case float f:
                WriteValue(json, f);
                break;
            case double d:
                WriteValue(json, d);
                break;
            case string s:
                json.WriteStringValue(s);
                break;
            case byte[] bytes:
                json.WriteBase64StringValue(bytes);
                break;
            case DateTimeOffset t:
                WriteTimestamp(json, t);
                break;
            case DateTime t:
                WriteTimestamp(json, new DateTimeOffset(t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : t));
                break;
            case System.Collections.IEnumerable list:
                json.WriteStartArray();
                foreach (var item in list)
                {
                    WriteValue(json, item);
                }
                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static string NonFinite(double d) => double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";

    /// <summary>
    /// ISO-8601 in UTC with a Z and 0, 3 or 6 fraction digits, as protobuf's JSON mapping writes timestamps (and so
    /// Feast's server): every Python <c>datetime.fromisoformat</c> since 3.7 reads that. Formatted by hand: a custom
    /// .NET format string costs more than the rest of a value's serialization.
    /// </summary>
    private static void WriteTimestamp(Utf8JsonWriter json, DateTimeOffset time)
    {
        Span<byte> buffer = stackalloc byte[32];
        json.WriteStringValue(buffer[..FormatTimestamp(time, buffer)]);
    }

    internal static int FormatTimestamp(DateTimeOffset time, Span<byte> buffer)
    {
        var utc = time.UtcDateTime;
        var (year, month, day) = utc;
        Digits(buffer[..4], year);
        buffer[4] = (byte)'-';
        Digits(buffer.Slice(5, 2), month);
        buffer[7] = (byte)'-';
        Digits(buffer.Slice(8, 2), day);
        buffer[10] = (byte)'T';
        Digits(buffer.Slice(11, 2), utc.Hour);
        buffer[13] = (byte)':';
        Digits(buffer.Slice(14, 2), utc.Minute);
        buffer[16] = (byte)':';
        Digits(buffer.Slice(17, 2), utc.Second);
        var length = 19;
        var micros = (int)(utc.Ticks % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMicrosecond);
        if (micros != 0)
        {
            buffer[length++] = (byte)'.';
            if (micros % 1000 == 0)
            {
                Digits(buffer.Slice(length, 3), micros / 1000);
                length += 3;
            }
            else
            {
                Digits(buffer.Slice(length, 6), micros);
                length += 6;
            }
        }
        buffer[length++] = (byte)'Z';
        return length;
    }

    /// <summary>
    /// Each row's last event timestamp as a quoted JSON string, written raw (no escaping check). Every feature of a
    /// view carries the same timestamp for a row, so a 100 x 50 answer over three views formats ~300 timestamps
    /// instead of 5,000; a row whose timestamp differs from the cached one (another view) is formatted again.
    /// </summary>
    private sealed class RowTimestampTexts : IDisposable
    {
        private const int MaxLength = 32;
        private readonly long[] _micros;
        private readonly byte[] _texts;
        private readonly int[] _lengths;

        public RowTimestampTexts(int rows)
        {
            _micros = ArrayPool<long>.Shared.Rent(Math.Max(rows, 1));
            _lengths = ArrayPool<int>.Shared.Rent(Math.Max(rows, 1));
            _texts = ArrayPool<byte>.Shared.Rent(Math.Max(rows, 1) * MaxLength);
            _micros.AsSpan(0, rows).Fill(TimestampMicros.Missing);
        }

        public ReadOnlySpan<byte> Get(int row, long micros)
        {
            var text = _texts.AsSpan(row * MaxLength, MaxLength);
            if (_micros[row] != micros)
            {
                _micros[row] = micros;
                text[0] = (byte)'"';
                var length = 1 + FormatTimestamp(TimestampMicros.ToDateTimeOffset(micros), text[1..]);
                text[length] = (byte)'"';
                _lengths[row] = length + 1;
            }
            return text[.._lengths[row]];
        }

        public void Dispose()
        {
            ArrayPool<long>.Shared.Return(_micros);
            ArrayPool<int>.Shared.Return(_lengths);
            ArrayPool<byte>.Shared.Return(_texts);
        }
    }

    private static void Digits(Span<byte> destination, int value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }
}
