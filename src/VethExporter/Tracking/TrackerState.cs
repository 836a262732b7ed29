namespace VethExporter.Tracking;

/// <summary>
/// The state file: exactly what a restarted exporter needs to carry on where it stopped — ages, the
/// previous scan's orphans, the leak counters and the leak-rate window. Nothing here is re-derivable
/// from the kernel, which is why it is kept; everything else is rescanned.
/// </summary>
/// <param name="Version">The schema version; a file of any other version is set aside, never guessed at.</param>
/// <param name="LastScanAt">When the last scan was observed; null before the first.</param>
/// <param name="Orphans">The orphans of the last scan: the "previous scan" for the next one.</param>
/// <param name="Detections">Leak events still inside the leak-rate window.</param>
/// <param name="DetectedTotals">veth_orphans_detected_total, so the counter continues across restarts.</param>
/// <param name="PeerNetnsDying">Since when each link's peer namespace has been in teardown.</param>
/// <param name="LeakedAttachments">The leaked CNI attachments of the last scan (absent in files of earlier releases).</param>
/// <param name="AttachmentTotals">veth_cni_attachments_leaked_total by network.</param>
public sealed record TrackerState(
    int Version,
    DateTimeOffset SavedAt,
    DateTimeOffset? LastScanAt,
    IReadOnlyList<OrphanState> Orphans,
    IReadOnlyList<DetectionState> Detections,
    IReadOnlyList<DetectionTotalState> DetectedTotals,
    IReadOnlyList<PeerDyingState> PeerNetnsDying,
    IReadOnlyList<LeakedAttachmentState>? LeakedAttachments = null,
    IReadOnlyList<AttachmentTotalState>? AttachmentTotals = null)
{
    public const int CurrentVersion = 1;
}

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

/// <summary>One leak event inside the leak-rate window, in the state file.</summary>
public sealed record DetectionState(string Bridge, string Reason, DateTimeOffset At);

/// <summary>One veth_orphans_detected_total series, in the state file.</summary>
public sealed record DetectionTotalState(string Bridge, string Reason, long Count);

/// <summary>
/// A link whose peer namespace is in teardown, and since when. Name and MAC are kept with the ifindex so
/// that a reused ifindex starts its own clock instead of inheriting an old one and turning stuck at once.
/// </summary>
public sealed record PeerDyingState(int Ifindex, string Name, string Mac, DateTimeOffset Since);
