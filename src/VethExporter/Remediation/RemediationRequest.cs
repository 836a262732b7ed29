namespace VethExporter.Remediation;

/// <summary>
/// What to remediate: named interfaces, or every orphan (optionally only on one bridge, or of one
/// reason). Scope filters narrow, never widen: each interface still has to pass every check.
/// </summary>
public sealed record RemediationRequest(
    IReadOnlyList<string> Interfaces,
    bool All,
    string? Bridge,
    string? Reason,
    bool DryRun)
{
    public static RemediationRequest ForInterfaces(IReadOnlyList<string> names, bool dryRun) => new(names, false, null, null, dryRun);
}

/// <summary>One request of a batch, and who asked for it (written to the audit as the caller).</summary>
public sealed record RemediationWork(RemediationRequest Request, string Caller);
