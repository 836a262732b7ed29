namespace VethExporter.Remediation;

/// <summary>One request of a batch, and who asked for it (written to the audit as the caller).</summary>
public sealed record RemediationWork(RemediationRequest Request, string Caller);
