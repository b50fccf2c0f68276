using System.Text.Json;
using System.Text.Json.Serialization;

namespace FeatureStore.Core.Registry;

/// <summary>
/// Writes a <see cref="TimeSpan"/> as a number of seconds (a TTL of one day is <c>86400</c>): unambiguous,
/// culture-free and easy to read from any language.
/// </summary>
internal sealed class TimeSpanSecondsJsonConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw new JsonException($"A duration must be a number of seconds, not {reader.TokenType}.");
        }
        return reader.TryGetInt64(out var whole)
            ? TimeSpan.FromSeconds(whole)
            : TimeSpan.FromTicks((long)Math.Round(reader.GetDouble() * TimeSpan.TicksPerSecond));
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options)
    {
        if (value.Ticks % TimeSpan.TicksPerSecond == 0)
        {
            writer.WriteNumberValue(value.Ticks / TimeSpan.TicksPerSecond);
        }
        else
        {
            writer.WriteNumberValue((decimal)value.Ticks / TimeSpan.TicksPerSecond);
        }
    }
}
