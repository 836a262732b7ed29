namespace VethExporter.Tracking;

/// <summary>One orphan identity in the state file.</summary>
/// <param name="Bridge">The bridge label value ("none" without a master).</param>
/// <param name="Confirmed">Already counted as a leak: never counted again.</param>
/// <param name="Remediated">Marked by remediation: its lifetime ends as remediated.</param>
public sealed record OrphanState(
    int Ifindex,
    string Name,
    string Mac,
    ulong? PeerNetnsInode,
    string Bridge,
    string Reason,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    bool Confirmed,
    bool Remediated);
