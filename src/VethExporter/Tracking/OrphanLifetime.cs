namespace VethExporter.Tracking;

/// <summary>
/// A confirmed orphan that stopped being one (gone, or held again): one observation of
/// veth_orphan_lifetime_seconds. The lifetime ends at the last scan that still saw it, so it is a
/// lower bound that never includes the time the exporter could not look.
/// </summary>
/// <param name="Bridge">The bridge label value when it was last seen.</param>
/// <param name="Outcome">One of <see cref="LifetimeOutcomes"/>.</param>
public sealed record OrphanLifetime(
    OrphanIdentity Identity,
    string Bridge,
    string Reason,
    string Outcome,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen)
{
    public double Seconds => Math.Max(0, (LastSeen - FirstSeen).TotalSeconds);
}
