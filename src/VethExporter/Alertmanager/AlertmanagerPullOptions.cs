namespace VethExporter.Alertmanager;

/// <summary>Pull-mode remediation (ARCHITECTURE §8): which Alertmanager to poll, how, and how often.</summary>
public sealed record AlertmanagerPullOptions(
    Uri Url,
    string? BearerTokenFile,
    string? CaFile,
    string? CertFile,
    string? KeyFile,
    TimeSpan Interval,
    bool DryRun);
