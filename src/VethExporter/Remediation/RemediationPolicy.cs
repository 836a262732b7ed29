namespace VethExporter.Remediation;

/// <summary>The operator's limits on remediation.</summary>
public sealed record RemediationPolicy(int MaxDeletes, bool DetachBridged, bool ReleaseNetns);

/// <summary>
/// How many more deletions a plan may hand out: what is left of the per-request (or per-notification,
/// per-poll) cap, and of the node's hourly budget.
/// </summary>
public sealed record DeletionAllowance(int Request, int Hour)
{
    /// <returns>null while another deletion fits after <paramref name="planned"/>, else the budget that ran out.</returns>
    public string? Exhausted(int planned) =>
        planned >= Request ? RefusalReasons.MaxDeletes
        : planned >= Hour ? RefusalReasons.MaxDeletesPerHour
        : null;
}
