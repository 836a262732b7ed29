using System.Collections.Frozen;
using VethExporter.Classification;

namespace VethExporter.Tracking;

/// <summary>
/// History of leaked CNI attachments, kept as for orphans: first seen, seen in the previous scan
/// (unstable_identity), old enough (too_young), and one leak event per attachment when a second scan
/// confirms it (veth_cni_attachments_leaked_total{network}). Not thread-safe: the tracker calls it under its lock.
/// </summary>
internal sealed class AttachmentHistory(TrackerOptions options)
{
    private Dictionary<AttachmentIdentity, LeakedAttachmentState> _leaked = [];
    private readonly Dictionary<string, long> _totals = new(StringComparer.Ordinal);

    public void Restore(IReadOnlyList<LeakedAttachmentState>? leaked, IReadOnlyList<AttachmentTotalState>? totals)
    {
        _leaked = [];
        foreach (var a in leaked ?? []) _leaked.TryAdd(a.Identity, a);
        _totals.Clear();
        foreach (var t in totals ?? []) _totals[t.Network] = _totals.GetValueOrDefault(t.Network) + t.Count;
    }

    /// <summary>Adds history blockers to leaked attachments and counts the ones confirmed by this scan.</summary>
    /// <param name="previousCounts">The previous scan is close enough in time to count as the previous one.</param>
    public (IReadOnlyList<AttachmentVerdict> Verdicts, IReadOnlyDictionary<AttachmentIdentity, TrackedAttachment> Tracked) Observe(
        IReadOnlyList<AttachmentVerdict> attachments, DateTimeOffset now, bool previousCounts, bool hostViewComplete)
    {
        var previous = _leaked;
        var current = new Dictionary<AttachmentIdentity, LeakedAttachmentState>();
        var tracked = new Dictionary<AttachmentIdentity, TrackedAttachment>();
        var verdicts = new List<AttachmentVerdict>(attachments.Count);
        foreach (var a in attachments)
        {
            if (!a.IsLeaked || a.Cache is null)
            {
                verdicts.Add(a);
                continue;
            }
            var identity = AttachmentIdentity.Of(a);
            previous.TryGetValue(identity, out var before);
            bool stable = previousCounts && before is not null;
            var firstSeen = before?.FirstSeen ?? now;
            bool confirmed = before?.Confirmed ?? false;
            if (stable && !confirmed && hostViewComplete)
            {
                confirmed = true;
                _totals[a.Key.Network] = _totals.GetValueOrDefault(a.Key.Network) + 1;
            }
            current[identity] = new LeakedAttachmentState(identity, firstSeen, now, confirmed);
            var age = now > firstSeen ? now - firstSeen : TimeSpan.Zero;
            var history = new TrackedAttachment(identity, firstSeen, age, stable, confirmed, age < options.MinAge);
            tracked[identity] = history;
            verdicts.Add(a with { Blockers = history.AppendHistoryBlockers(a.Blockers) });
        }
        _leaked = current;
        return (verdicts, tracked.ToFrozenDictionary());
    }

    public IReadOnlyDictionary<string, long> Totals => _totals.ToFrozenDictionary(StringComparer.Ordinal);

    public IReadOnlyList<LeakedAttachmentState> Leaked =>
        _leaked.Values.OrderBy(a => a.Identity.CacheFile, StringComparer.Ordinal).ToArray();

    public IReadOnlyList<AttachmentTotalState> TotalStates =>
        _totals.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new AttachmentTotalState(t.Key, t.Value)).ToArray();
}

/// <summary>
/// What makes a leaked attachment the same one from scan to scan: libcni's key and the cache file that
/// records it. Its reason may change (a pin removed turns pinned_no_process into netns_gone): still the same leak.
/// </summary>
public readonly record struct AttachmentIdentity(string Network, string ContainerId, string IfName, string CacheFile)
{
    public static AttachmentIdentity Of(AttachmentVerdict a) =>
        new(a.Key.Network, a.Key.ContainerId, a.Key.IfName, a.Cache?.Path ?? "");
}

/// <summary>What history says about one leaked attachment.</summary>
public sealed record TrackedAttachment(AttachmentIdentity Identity, DateTimeOffset FirstSeen, TimeSpan Age, bool StableIdentity, bool Confirmed, bool TooYoung)
{
    public IReadOnlyList<string> AppendHistoryBlockers(IReadOnlyList<string> staticBlockers) =>
    [
        .. staticBlockers.Where(b => b is not (Blockers.UnstableIdentity or Blockers.TooYoung)),
        .. StableIdentity ? Array.Empty<string>() : [Blockers.UnstableIdentity],
        .. TooYoung ? [Blockers.TooYoung] : Array.Empty<string>(),
    ];
}

/// <summary>One leaked attachment in the state file.</summary>
public sealed record LeakedAttachmentState(AttachmentIdentity Identity, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, bool Confirmed);

/// <summary>veth_cni_attachments_leaked_total of one network, in the state file.</summary>
public sealed record AttachmentTotalState(string Network, long Count);
