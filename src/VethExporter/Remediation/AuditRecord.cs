namespace VethExporter.Remediation;

/// <summary>One remediation decision, as written to the audit file (one JSON line each).</summary>
public sealed record AuditRecord(
    DateTimeOffset Time,
    string RequestId,
    string Caller,
    string Source,
    bool DryRun,
    AuditedInterface Interface,
    string? State,
    string? Reason,
    IReadOnlyList<AuditCheck> Checks,
    string Action,
    string Result,
    IReadOnlyList<string> Blockers,
    string? Error);

/// <summary>The identity of the interface at decision time.</summary>
public sealed record AuditedInterface(string Name, int? Ifindex, string? Mac, string? Bridge, int? PeerNetnsId, ulong? PeerNetnsInode);

/// <summary>One check and whether it passed.</summary>
public sealed record AuditCheck(string Check, bool Passed, string? Detail = null);
