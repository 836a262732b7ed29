namespace VethExporter.Web;

/// <summary>The answer to an Alertmanager webhook call: what was queued, and what was ignored and why.</summary>
public sealed record WebhookAccepted(int Accepted, IReadOnlyList<Alertmanager.IgnoredAlert> Ignored, int Truncated);
