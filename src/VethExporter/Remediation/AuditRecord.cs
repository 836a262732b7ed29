namespace VethExporter.Remediation;

/// <summary>
/// One remediation decision, as written to the audit file (one JSON line each). An action is written
/// twice: <c>intent</c> (result <c>pending</c>) before it is taken, then its <c>result</c>.
/// </summary>
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
    string? Error,
    string Phase = AuditPhases.Result,
    string? GoesWith = null,
    AuditedAttachment? Attachment = null,
    IReadOnlyList<string>? Steps = null);

/// <summary>The CNI attachment a cni_del decision is about, as judged at decision time.</summary>
public sealed record AuditedAttachment(string Network, string ContainerId, string IfName, string State, string Reason, string? CacheFile,
    string? Netns, ulong? NetnsInode);

/// <summary>The two lines an action leaves in the audit file.</summary>
public static class AuditPhases
{
    public const string Intent = "intent";
    public const string Result = "result";
    public const string Pending = "pending";
}

/// <summary>The identity of the interface at decision time.</summary>
public sealed record AuditedInterface(string Name, int? Ifindex, string? Mac, string? Bridge, int? PeerNetnsId, ulong? PeerNetnsInode);

/// <summary>One check and whether it passed.</summary>
public sealed record AuditCheck(string Check, bool Passed, string? Detail = null);
