using System.Text.Json;

namespace VethExporter.Alertmanager;

/// <summary>
/// Parses the answer of Alertmanager's <c>GET /api/v2/alerts</c> (an array of gettableAlert). Only alerts
/// that are active and neither silenced nor inhibited are kept, whatever the query asked for: a silence
/// is the fleet's kill switch, so it is checked here again. Any other shape rejects the whole answer.
/// </summary>
public static class AlertsApiParser
{
    private const int MaxAlerts = 100_000;

    public static AlertsApiResult Parse(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, AlertJson.DocumentOptions);
        }
        catch (JsonException e)
        {
            return AlertsApiResult.Fail($"malformed JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array) return AlertsApiResult.Fail("the answer must be a JSON array of alerts");
            if (Remediation.DuplicateKeys.Find(root) is not null) return AlertsApiResult.Fail("a key is given more than once");
            if (root.GetArrayLength() > MaxAlerts) return AlertsApiResult.Fail($"more than {MaxAlerts} alerts");
            var active = new List<FiringAlert>();
            int muted = 0;
            foreach (var alert in root.EnumerateArray())
            {
                if (alert.ValueKind != JsonValueKind.Object) return AlertsApiResult.Fail("each alert must be an object");
                if (!alert.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Object)
                    return AlertsApiResult.Fail("alert \"status\" must be an object");
                if (AlertJson.TryRead(alert, out var read) is { } error) return AlertsApiResult.Fail(error);
                if (AlertJson.Text(status, "state") != "active" || Mutes(status, "silencedBy") != 0 || Mutes(status, "inhibitedBy") != 0)
                {
                    muted++;
                    continue;
                }
                active.Add(read!);
            }
            return new AlertsApiResult(active, muted, null);
        }
    }

    /// <summary>How many silences (or inhibitions) mute the alert; a missing or malformed list counts as muted.</summary>
    private static int Mutes(JsonElement status, string name) =>
        status.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array ? list.GetArrayLength() : 1;
}

/// <summary>The alerts of a poll we may act on, how many were muted or not active, or why the answer was rejected.</summary>
public sealed record AlertsApiResult(IReadOnlyList<FiringAlert> Active, int Muted, string? Error)
{
    public static AlertsApiResult Fail(string error) => new([], 0, error);
}
