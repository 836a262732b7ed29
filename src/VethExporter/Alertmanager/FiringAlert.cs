namespace VethExporter.Alertmanager;

/// <summary>A firing alert reduced to what scopes remediation: its identity and the labels we act on.</summary>
public sealed record FiringAlert(
    string Fingerprint,
    DateTimeOffset StartsAt,
    string? AlertName,
    string? Instance,
    string? Bridge,
    string? Reason,
    string? Interface)
{
    /// <summary>Alertmanager re-sends a firing alert on every group interval; one (fingerprint, startsAt) is acted on once.</summary>
    public string IdempotencyKey => $"{Fingerprint}@{StartsAt.UtcTicks}";

    /// <summary>An alert with none of the scoping labels says nothing about which veths to touch.</summary>
    public bool HasScope => Bridge is not null || Reason is not null || Interface is not null;
}
