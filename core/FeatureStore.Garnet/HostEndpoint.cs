using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FeatureStore.Garnet;

/// <summary>
/// Where the host of an embedded store listens, as recorded in <c>endpoint.json</c> under the store folder: loopback
/// port, process id and start time. The host writes it (atomically) once Garnet accepts connections; other processes
/// read it to connect. It outlives its host on purpose: the next host reuses the port, so clients that were connected
/// reconnect by themselves after a hand-over. Whether it is live is the lock's answer, not the file's.
/// </summary>
internal sealed record HostEndpoint(int Port, int ProcessId, DateTimeOffset Since)
{
    public const string FileName = "endpoint.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    [JsonIgnore]
    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>A StackExchange.Redis configuration string for the host (loopback, no password).</summary>
    [JsonIgnore]
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>Whether the recorded process still runs (a pid can be reused, so this only ever rules a host out).</summary>
    public bool ProcessRuns()
    {
        try
        {
            using var process = Process.GetProcessById(ProcessId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The recorded endpoint, or null when there is none or it cannot be read (being replaced, damaged).</summary>
    public static HostEndpoint? Read(string folder)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(folder, FileName));
            return JsonSerializer.Deserialize<HostEndpoint>(text, Json) is { Port: > 0 and <= 65535 } endpoint ? endpoint : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Replaces the file in one rename, so a reader sees the old record or the new one, never half of one.</summary>
    public void Write(string folder)
    {
        var path = Path.Combine(folder, FileName);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, path, overwrite: true);
    }
}
