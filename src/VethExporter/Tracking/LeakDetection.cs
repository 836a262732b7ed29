namespace VethExporter.Tracking;

/// <summary>
/// One leak event: an orphan identity confirmed by a second consecutive scan. Counted once per identity,
/// at confirmation time, so veth_orphans_detected_total and veth_bridge_leak_rate_per_hour agree.
/// </summary>
/// <param name="Bridge">The bridge label value ("none" without a master).</param>
/// <param name="Reason">The orphan reason when it was confirmed.</param>
public sealed record LeakDetection(OrphanIdentity Identity, string Bridge, string Reason, DateTimeOffset FirstSeen, DateTimeOffset DetectedAt);
