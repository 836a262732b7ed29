namespace VethExporter.Remediation;

/// <summary>One line of a remediation response.</summary>
/// <param name="Result">deleted, would_delete, refused, not_found or failed.</param>
/// <param name="Blockers">Why it was refused (its blockers, or a request-level reason such as max_deletes).</param>
public sealed record InterfaceResult(
    string Interface,
    string Result,
    string Action,
    int? Ifindex,
    string? Bridge,
    string? State,
    string? Reason,
    IReadOnlyList<string> Blockers,
    string? Error);

/// <summary>The response to a remediation request.</summary>
public sealed record RemediationResponse(string RequestId, bool DryRun, IReadOnlyList<InterfaceResult> Results);
