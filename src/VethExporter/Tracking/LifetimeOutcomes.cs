namespace VethExporter.Tracking;

/// <summary>The `outcome` label of veth_orphan_lifetime_seconds (ARCHITECTURE §4). Public contract.</summary>
public static class LifetimeOutcomes
{
    /// <summary>The exporter deleted it (or released its namespace) and then it was gone.</summary>
    public const string Remediated = "remediated";

    /// <summary>It stopped being an orphan without us: deleted by someone else, or held again.</summary>
    public const string Vanished = "vanished";

    public static readonly IReadOnlyList<string> All = [Remediated, Vanished];
}
