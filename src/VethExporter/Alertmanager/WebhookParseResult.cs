namespace VethExporter.Alertmanager;

/// <summary>The firing alerts of a webhook call, or why the payload was rejected.</summary>
public sealed record WebhookParseResult(IReadOnlyList<FiringAlert> Firing, int Resolved, int Truncated, string? Error)
{
    public static WebhookParseResult Fail(string error) => new([], 0, 0, error);
}
