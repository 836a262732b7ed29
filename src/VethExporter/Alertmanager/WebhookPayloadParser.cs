using System.Text.Json;

namespace VethExporter.Alertmanager;

/// <summary>
/// Parses Alertmanager's webhook payload (version 4). Only what scoping needs is read; a payload of the
/// wrong shape is rejected whole. Alertmanager may cut the alert list (max_alerts): the number left out
/// is reported as <c>truncatedAlerts</c> and we act on what was sent.
/// </summary>
public static class WebhookPayloadParser
{
    private const int MaxAlerts = 10_000;

    public static WebhookParseResult Parse(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, AlertJson.DocumentOptions);
        }
        catch (JsonException e)
        {
            return WebhookParseResult.Fail($"malformed JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return WebhookParseResult.Fail("the payload must be a JSON object");
            if (Remediation.DuplicateKeys.Find(root) is { } repeated) return WebhookParseResult.Fail($"a key is given more than once ({repeated.Length} characters)");
            if (AlertJson.Text(root, "version") != "4") return WebhookParseResult.Fail("unsupported payload: \"version\" must be \"4\"");
            if (!root.TryGetProperty("alerts", out var alerts) || alerts.ValueKind != JsonValueKind.Array)
                return WebhookParseResult.Fail("\"alerts\" must be an array");
            if (alerts.GetArrayLength() > MaxAlerts) return WebhookParseResult.Fail($"more than {MaxAlerts} alerts");

            int truncated = root.TryGetProperty("truncatedAlerts", out var cut) && cut.ValueKind == JsonValueKind.Number && cut.TryGetInt32(out int n) ? n : 0;
            var firing = new List<FiringAlert>();
            int resolved = 0;
            foreach (var alert in alerts.EnumerateArray())
            {
                if (alert.ValueKind != JsonValueKind.Object) return WebhookParseResult.Fail("each alert must be an object");
                string? status = AlertJson.Text(alert, "status");
                if (status == "resolved")
                {
                    resolved++;
                    continue;
                }
                if (status != "firing") return WebhookParseResult.Fail("alert \"status\" must be \"firing\" or \"resolved\"");
                if (AlertJson.TryRead(alert, out var read) is { } error) return WebhookParseResult.Fail(error);
                firing.Add(read!);
            }
            return new WebhookParseResult(firing, resolved, truncated, null);
        }
    }
}

/// <summary>The firing alerts of a webhook call, or why the payload was rejected.</summary>
public sealed record WebhookParseResult(IReadOnlyList<FiringAlert> Firing, int Resolved, int Truncated, string? Error)
{
    public static WebhookParseResult Fail(string error) => new([], 0, 0, error);
}
