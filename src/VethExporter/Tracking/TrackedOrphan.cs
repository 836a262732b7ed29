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
