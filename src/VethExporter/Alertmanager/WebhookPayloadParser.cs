using System.Globalization;
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
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 8 };

    public static WebhookParseResult Parse(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Options);
        }
        catch (JsonException e)
        {
            return WebhookParseResult.Fail($"malformed JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return WebhookParseResult.Fail("the payload must be a JSON object");
            if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.String || version.GetString() != "4")
                return WebhookParseResult.Fail("unsupported payload: \"version\" must be \"4\"");
            if (!root.TryGetProperty("alerts", out var alerts) || alerts.ValueKind != JsonValueKind.Array)
                return WebhookParseResult.Fail("\"alerts\" must be an array");
            if (alerts.GetArrayLength() > MaxAlerts) return WebhookParseResult.Fail($"more than {MaxAlerts} alerts");

            int truncated = root.TryGetProperty("truncatedAlerts", out var cut) && cut.ValueKind == JsonValueKind.Number && cut.TryGetInt32(out int n) ? n : 0;
            var firing = new List<FiringAlert>();
            int resolved = 0;
            foreach (var alert in alerts.EnumerateArray())
            {
                if (alert.ValueKind != JsonValueKind.Object) return WebhookParseResult.Fail("each alert must be an object");
                string? status = Text(alert, "status");
                if (status == "resolved")
                {
                    resolved++;
                    continue;
                }
                if (status != "firing") return WebhookParseResult.Fail("alert \"status\" must be \"firing\" or \"resolved\"");
                if (!alert.TryGetProperty("labels", out var labels) || labels.ValueKind != JsonValueKind.Object)
                    return WebhookParseResult.Fail("alert \"labels\" must be an object");
                if (labels.EnumerateObject().Any(l => l.Value.ValueKind != JsonValueKind.String))
                    return WebhookParseResult.Fail("alert label values must be strings");
                string? fingerprint = Text(alert, "fingerprint");
                if (string.IsNullOrEmpty(fingerprint)) return WebhookParseResult.Fail("alert \"fingerprint\" is missing");
                if (!DateTimeOffset.TryParse(Text(alert, "startsAt"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var startsAt))
                    return WebhookParseResult.Fail("alert \"startsAt\" is not a timestamp");

                firing.Add(new FiringAlert(fingerprint, startsAt, Text(labels, "alertname"), Text(labels, "instance"),
                    Text(labels, "bridge"), Text(labels, "reason"), Text(labels, "interface")));
            }
            return new WebhookParseResult(firing, resolved, truncated, null);
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
