using VethExporter.Classification;

namespace VethExporter.Tracking;

/// <summary>What history says about one current orphan.</summary>
/// <param name="Bridge">The bridge label value ("none" without a master).</param>
/// <param name="StableIdentity">Also an orphan, with the same identity, in the previous scan.</param>
/// <param name="Confirmed">Seen in two consecutive scans at some point: a leak, not a blip.</param>
/// <param name="TooYoung">Younger than the configured minimum age.</param>
/// <param name="MarkedRemediated">Remediation acted on it; when it goes, the outcome is remediated.</param>
public sealed record TrackedOrphan(
    OrphanIdentity Identity,
    string Bridge,
    string Reason,
    DateTimeOffset FirstSeen,
    TimeSpan Age,
    bool StableIdentity,
    bool Confirmed,
    bool TooYoung,
    bool MarkedRemediated)
{
    /// <summary>The history blockers of ARCHITECTURE §3, in the order they are appended.</summary>
    public IReadOnlyList<string> HistoryBlockers =>
        (StableIdentity, TooYoung) switch
        {
            (false, true) => [Blockers.UnstableIdentity, Blockers.TooYoung],
            (false, false) => [Blockers.UnstableIdentity],
            (true, true) => [Blockers.TooYoung],
            (true, false) => [],
        };

    /// <summary>
    /// A verdict's static blockers followed by the history blockers. Idempotent: history blockers already
    /// present are dropped first, so the order stays the same however often it is applied.
    /// </summary>
    public IReadOnlyList<string> AppendHistoryBlockers(IReadOnlyList<string> staticBlockers) =>
        [.. staticBlockers.Where(b => b is not (Blockers.UnstableIdentity or Blockers.TooYoung)), .. HistoryBlockers];
}

/// <summary>
/// One leak event: an orphan identity confirmed by a second consecutive scan. Counted once per identity,
/// at confirmation time, so veth_orphans_detected_total and veth_bridge_leak_rate_per_hour agree.
/// </summary>
/// <param name="Bridge">The bridge label value ("none" without a master).</param>
/// <param name="Reason">The orphan reason when it was confirmed.</param>
public sealed record LeakDetection(OrphanIdentity Identity, string Bridge, string Reason, DateTimeOffset FirstSeen, DateTimeOffset DetectedAt);

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

/// <summary>The `outcome` label of veth_orphan_lifetime_seconds (ARCHITECTURE §4). Public contract.</summary>
public static class LifetimeOutcomes
{
    /// <summary>The exporter deleted it (or released its namespace) and then it was gone.</summary>
    public const string Remediated = "remediated";

    /// <summary>It stopped being an orphan without us: deleted by someone else, or held again.</summary>
    public const string Vanished = "vanished";

    public static readonly IReadOnlyList<string> All = [Remediated, Vanished];
}

/// <summary>What history knows of one interface: when it was first seen as it is now.</summary>
public readonly record struct InterfaceHistory(DateTimeOffset FirstSeen, TimeSpan Age);
