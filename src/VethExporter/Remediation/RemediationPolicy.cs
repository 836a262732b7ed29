namespace VethExporter.Remediation;

/// <summary>The operator's limits on remediation.</summary>
public sealed record RemediationPolicy(int MaxDeletes, bool DetachBridged, bool ReleaseNetns);
