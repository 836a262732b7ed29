using VethExporter.Classification;
using VethExporter.Scanning;

namespace VethExporter.Tracking;

/// <summary>
/// One scan seen through history: the verdicts with their history blockers, and everything the metrics
/// and the snapshot need that a single scan cannot know. Immutable; the tracker never changes it after
/// <see cref="Tracker.Observe"/> returns it.
/// </summary>
public sealed record TrackedScan
{
    /// <summary>
    /// The scan, its orphans' blockers extended with unstable_identity and too_young (static blockers first,
    /// then those two, in that order), so <see cref="VethVerdict.Deletable"/> is the full §3 verdict.
    /// </summary>
    public required ScanResult Scan { get; init; }

    /// <summary>The tracker's clock when it observed the scan: every age and window here is measured from it.</summary>
    public required DateTimeOffset ObservedAt { get; init; }

    /// <summary>Every current orphan, by identity.</summary>
    public required IReadOnlyDictionary<OrphanIdentity, TrackedOrphan> Orphans { get; init; }

    /// <summary>Leaks confirmed by this scan: add each to veth_orphans_detected_total{bridge,reason}.</summary>
    public required IReadOnlyList<LeakDetection> NewDetections { get; init; }

    /// <summary>veth_orphans_detected_total since the state file was first written, including <see cref="NewDetections"/>.</summary>
    public required IReadOnlyDictionary<BridgeReason, long> DetectedTotals { get; init; }

    /// <summary>Confirmed orphans that stopped being orphans since the previous scan: observe each in veth_orphan_lifetime_seconds.</summary>
    public required IReadOnlyList<OrphanLifetime> EndedOrphans { get; init; }

    /// <summary>
    /// veth_bridge_leak_rate_per_hour by bridge label value: detections in the trailing window divided by
    /// the window in hours. A bridge is present while it has orphans or detections in the window.
    /// </summary>
    public required IReadOnlyDictionary<string, double> LeakRatePerHour { get; init; }

    /// <summary>
    /// How long each link (by ifindex) had had its peer namespace in teardown when this scan was observed.
    /// <see cref="Tracker.PeerDyingFor"/> gives the same measured at call time, which is what the next scan wants.
    /// </summary>
    public required IReadOnlyDictionary<int, TimeSpan> PeerDyingFor { get; init; }

    /// <summary>Every leaked CNI attachment that has a cache file, by identity.</summary>
    public IReadOnlyDictionary<AttachmentIdentity, TrackedAttachment> LeakedAttachments { get; init; } =
        new Dictionary<AttachmentIdentity, TrackedAttachment>();

    /// <summary>veth_cni_attachments_leaked_total by network, persisted.</summary>
    public IReadOnlyDictionary<string, long> AttachmentTotals { get; init; } = new Dictionary<string, long>();

    public IReadOnlyList<VethVerdict> Verdicts => Scan.Verdicts;

    /// <summary>The attachment history callback of <see cref="SnapshotMapper.ToDocument"/>: first seen and age, for leaked attachments.</summary>
    public InterfaceHistory? AttachmentHistory(AttachmentVerdict attachment) =>
        Find(attachment) is { } a ? new InterfaceHistory(a.FirstSeen, a.Age) : null;

    /// <summary>History of one leaked attachment, or null.</summary>
    public TrackedAttachment? Find(AttachmentVerdict attachment) =>
        attachment.IsLeaked && LeakedAttachments.TryGetValue(AttachmentIdentity.Of(attachment), out var a) ? a : null;

    /// <summary>History of one verdict's orphan identity, or null for verdicts that are not orphans.</summary>
    public TrackedOrphan? Find(VethVerdict verdict) =>
        verdict.IsOrphan && Orphans.TryGetValue(OrphanIdentity.Of(verdict), out var orphan) ? orphan : null;

    /// <summary>The history callback of <see cref="SnapshotMapper.ToDocument"/>: first seen and age, for orphans.</summary>
    public InterfaceHistory? History(VethVerdict verdict) =>
        Find(verdict) is { } orphan ? new InterfaceHistory(orphan.FirstSeen, orphan.Age) : null;
}
