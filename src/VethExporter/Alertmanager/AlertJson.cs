using System.Globalization;
using System.Text.Json;

namespace VethExporter.Alertmanager;

/// <summary>
/// The part of an alert object that the webhook payload and the v2 API share: labels (all strings),
/// fingerprint and startsAt.
/// </summary>
internal static class AlertJson
{
    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 8 };

    /// <returns>null, or why the alert object is malformed.</returns>
    public static string? TryRead(JsonElement alert, out FiringAlert? read)
    {
        read = null;
        if (!alert.TryGetProperty("labels", out var labels) || labels.ValueKind != JsonValueKind.Object)
            return "alert \"labels\" must be an object";
        if (labels.EnumerateObject().Any(l => l.Value.ValueKind != JsonValueKind.String))
            return "alert label values must be strings";
        string? fingerprint = Text(alert, "fingerprint");
        if (string.IsNullOrEmpty(fingerprint)) return "alert \"fingerprint\" is missing";
        if (!DateTimeOffset.TryParse(Text(alert, "startsAt"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var startsAt))
            return "alert \"startsAt\" is not a timestamp";
        read = new FiringAlert(fingerprint, startsAt, Text(labels, "alertname"), Text(labels, "instance"),
            Text(labels, "bridge"), Text(labels, "reason"), Text(labels, "interface"));
        return null;
    }

    public static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
