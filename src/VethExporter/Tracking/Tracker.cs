using System.Collections.Frozen;
using VethExporter.Classification;
using VethExporter.Scanning;

namespace VethExporter.Tracking;

/// <summary>
/// Remembers what one scan cannot know: when each orphan was first seen, whether it was already an orphan
/// in the previous scan, which leaks were counted, how long each confirmed orphan lived, and how long each
/// peer namespace has been dying. Fed one <see cref="ScanResult"/> per scan; pure apart from the clock and
/// the optional state file, so every rule here is testable with a fake clock and in-memory scans.
/// </summary>
/// <remarks>
/// Per scan, the service calls, in this order:
/// <list type="number">
/// <item><c>scanner.ScanAsync(tracker.PeerDyingFor())</c> — the classifier needs history to call a dying
/// peer namespace stuck; <see cref="PeerDyingFor"/> works on the first scan after a restart too.</item>
/// <item><see cref="Observe"/>, then publish <see cref="TrackedScan.Scan"/> (verdicts with history blockers)
/// through <c>SnapshotMapper.ToDocument(tracked.Scan, tracked.History, tracked.AttachmentHistory)</c> and the metrics.</item>
/// <item><see cref="Save"/>; log its result when <see cref="StateSaveResult.StatusChanged"/>.</item>
/// </list>
/// <see cref="Load"/> runs once, before the first scan. The remediator calls <see cref="MarkRemediated(int, string)"/>
/// after each successful delete. Times come from the injected clock at <see cref="Observe"/>, not from
/// <see cref="ScanResult.ScannedAt"/>, so every stored time and every age comes from one clock.
/// Thread-safe: remediation may mark orphans while a scan is being observed.
/// </remarks>
public sealed class Tracker
{
    private readonly Lock _gate = new();
    private readonly Lock _saveGate = new();
    private readonly TimeProvider _time;
    private readonly TrackerStateStore? _store;

    private Dictionary<OrphanIdentity, OrphanState> _orphans = [];
    private readonly List<DetectionState> _detections = [];
    private readonly Dictionary<BridgeReason, long> _totals = [];
    private Dictionary<int, PeerDyingState> _dying = [];
    private DateTimeOffset? _lastScanAt;
    private bool _restored;
    private bool _observed;
    private StateSaveStatus? _lastSaveStatus;
    private readonly AttachmentHistory _attachments;

    /// <param name="store">Where history survives restarts; null keeps it in memory only.</param>
    public Tracker(TrackerOptions options, TimeProvider timeProvider, TrackerStateStore? store = null)
    {
        Options = options;
        _time = timeProvider;
        _store = store;
        _attachments = new AttachmentHistory(options);
    }

    public TrackerOptions Options { get; }

    /// <summary>
    /// Restores history from the state file. A missing, unreadable or corrupt file is reported, never thrown:
    /// a bad one is set aside and history starts fresh. Restored
    /// orphans keep their first-seen times whatever the gap. They also count as "seen in the previous scan"
    /// — so they stay free of unstable_identity and an unconfirmed one is confirmed by the next sighting —
    /// only if the first scan after the restart comes within <see cref="TrackerOptions.RestartContinuity"/>
    /// of the last one before it: after a longer gap nobody watched, and the identity must prove itself again.
    /// </summary>
    /// <exception cref="InvalidOperationException">A scan was already observed.</exception>
    public StateLoadResult Load()
    {
        lock (_gate)
        {
            if (_observed) throw new InvalidOperationException("Load must come before the first Observe.");
        }
        if (_store is null) return new StateLoadResult(StateLoadStatus.Disabled, "no state file: history is kept in memory only");
        var result = _store.Load(out var state);
        if (state is null) return result;

        lock (_gate)
        {
            _orphans = [];
            foreach (var o in state.Orphans) _orphans.TryAdd(new OrphanIdentity(o.Ifindex, o.Name, o.Mac, o.PeerNetnsInode), o);
            _detections.Clear();
            _detections.AddRange(state.Detections);
            _totals.Clear();
            foreach (var t in state.DetectedTotals)
            {
                var key = new BridgeReason(t.Bridge, t.Reason);
                _totals[key] = _totals.GetValueOrDefault(key) + t.Count;
            }
            _dying = [];
            foreach (var d in state.PeerNetnsDying) _dying.TryAdd(d.Ifindex, d);
            _attachments.Restore(state.LeakedAttachments, state.AttachmentTotals);
            _lastScanAt = state.LastScanAt;
            _restored = true;
        }
        return result;
    }

    /// <summary>Takes in one scan and returns it with history. Call once per scan, in scan order.</summary>
    public TrackedScan Observe(ScanResult scan)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            bool previousCounts = _lastScanAt is DateTimeOffset last && (!_restored || IsShortGap(now - last));
            _restored = false;
            _observed = true;

            var previous = _orphans;
            var current = new Dictionary<OrphanIdentity, OrphanState>();
            var tracked = new Dictionary<OrphanIdentity, TrackedOrphan>();
            var detections = new List<LeakDetection>();
            foreach (var verdict in scan.Verdicts)
            {
                if (!verdict.IsOrphan) continue;
                var identity = OrphanIdentity.Of(verdict);
                if (current.ContainsKey(identity)) continue;

                string bridge = BridgeLabel.Of(verdict.Bridge);
                previous.TryGetValue(identity, out var before);
                bool stable = previousCounts && before is not null;
                var firstSeen = before?.FirstSeen ?? now;
                bool confirmed = before?.Confirmed ?? false;
                // A scan that could not see every holder cannot tell a leak from a container it missed:
                // its orphans are reported but not counted, since counts persist.
                if (stable && !confirmed && scan.HostViewComplete)
                {
                    confirmed = true;
                    detections.Add(new LeakDetection(identity, bridge, verdict.Reason, firstSeen, now));
                    _detections.Add(new DetectionState(bridge, verdict.Reason, now));
                    var key = new BridgeReason(bridge, verdict.Reason);
                    _totals[key] = _totals.GetValueOrDefault(key) + 1;
                }

                bool remediated = before?.Remediated ?? false;
                current[identity] = new OrphanState(identity.Ifindex, identity.Name, identity.Mac, identity.PeerNetnsInode,
                    bridge, verdict.Reason, firstSeen, now, confirmed, remediated);
                var age = now > firstSeen ? now - firstSeen : TimeSpan.Zero;
                tracked[identity] = new TrackedOrphan(identity, bridge, verdict.Reason, firstSeen, age,
                    stable, confirmed, age < Options.MinAge, remediated);
            }

            var ended = previous
                .Where(p => p.Value.Confirmed && !current.ContainsKey(p.Key))
                .Select(p => new OrphanLifetime(p.Key, p.Value.Bridge, p.Value.Reason,
                    p.Value.Remediated ? LifetimeOutcomes.Remediated : LifetimeOutcomes.Vanished,
                    p.Value.FirstSeen, p.Value.LastSeen))
                .ToArray();

            var (attachments, trackedAttachments) = _attachments.Observe(scan.Attachments, now, previousCounts, scan.HostViewComplete);
            _orphans = current;
            _lastScanAt = now;
            UpdateDying(scan, now);
            PruneDetections(now);

            var verdicts = scan.Verdicts
                .Select(v => v.IsOrphan && tracked.TryGetValue(OrphanIdentity.Of(v), out var o)
                    ? v with { Blockers = o.AppendHistoryBlockers(v.Blockers) }
                    : v)
                .ToArray();

            return new TrackedScan
            {
                Scan = scan with { Verdicts = verdicts, Attachments = attachments },
                ObservedAt = now,
                Orphans = tracked.ToFrozenDictionary(),
                NewDetections = detections.ToArray(),
                DetectedTotals = _totals.ToFrozenDictionary(),
                EndedOrphans = ended,
                LeakRatePerHour = LeakRates(current.Values.Select(o => o.Bridge)),
                PeerDyingFor = DyingFor(now),
                LeakedAttachments = trackedAttachments,
                AttachmentTotals = _attachments.Totals,
            };
        }
    }

    /// <summary>
    /// For Classifier.Classify: how long, as of now, each link (by ifindex) has had its peer namespace in
    /// teardown. Measured at call time so the next scan sees the full duration, not the one of the last scan.
    /// </summary>
    public IReadOnlyDictionary<int, TimeSpan> PeerDyingFor()
    {
        lock (_gate) return DyingFor(_time.GetUtcNow());
    }

    /// <summary>
    /// Records that remediation acted on this orphan: when it stops being an orphan, its lifetime is observed
    /// as remediated rather than vanished. The mark stays with the identity until then.
    /// </summary>
    /// <returns>False when no current orphan has this identity.</returns>
    public bool MarkRemediated(OrphanIdentity identity)
    {
        lock (_gate)
        {
            if (!_orphans.TryGetValue(identity, out var orphan)) return false;
            _orphans[identity] = orphan with { Remediated = true };
            return true;
        }
    }

    /// <summary>As <see cref="MarkRemediated(OrphanIdentity)"/>, for a remediator that deleted by ifindex after checking the name.</summary>
    public bool MarkRemediated(int ifindex, string name)
    {
        lock (_gate)
        {
            var matches = _orphans.Keys.Where(k => k.Ifindex == ifindex && k.Name == name).ToList();
            foreach (var identity in matches) _orphans[identity] = _orphans[identity] with { Remediated = true };
            return matches.Count > 0;
        }
    }

    /// <summary>
    /// Writes the state file. Never throws: when the location is unwritable, history stays in memory, the
    /// failure is returned (log it when <see cref="StateSaveResult.StatusChanged"/>, export it as a metric)
    /// and the next call tries again.
    /// </summary>
    public StateSaveResult Save()
    {
        if (_store is null) return new StateSaveResult(StateSaveStatus.Disabled, "no state file: history is kept in memory only", false);
        lock (_saveGate)
        {
            // The snapshot is taken inside the save lock, so a slower save can never overwrite a newer one.
            var state = CurrentState();
            string? error = _store.Save(state);
            var status = error is null ? StateSaveStatus.Saved : StateSaveStatus.Failed;
            bool changed = status != _lastSaveStatus;
            _lastSaveStatus = status;
            return error is null
                ? new StateSaveResult(status, $"state saved to {_store.Path}", changed)
                : new StateSaveResult(status, $"cannot write state file {_store.Path}: {error}; history is kept in memory and the next save tries again", changed);
        }
    }

    /// <summary>What <see cref="Save"/> writes.</summary>
    public TrackerState CurrentState()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            PruneDetections(now);
            return new TrackerState(
                TrackerState.CurrentVersion,
                now,
                _lastScanAt,
                _orphans.Values.OrderBy(o => o.Ifindex).ThenBy(o => o.Name, StringComparer.Ordinal).ToArray(),
                _detections.ToArray(),
                _totals.OrderBy(t => t.Key.Bridge, StringComparer.Ordinal).ThenBy(t => t.Key.Reason, StringComparer.Ordinal)
                    .Select(t => new DetectionTotalState(t.Key.Bridge, t.Key.Reason, t.Value)).ToArray(),
                _dying.Values.OrderBy(d => d.Ifindex).ToArray(),
                _attachments.Leaked,
                _attachments.TotalStates);
        }
    }

    private bool IsShortGap(TimeSpan gap) => gap >= TimeSpan.Zero && gap <= Options.RestartContinuity;

    /// <summary>
    /// Dying and stuck are both "peer namespace has no id": the clock must keep running while the classifier
    /// calls it stuck, or the next scan would see a short duration and flip it back to dying.
    /// </summary>
    private void UpdateDying(ScanResult scan, DateTimeOffset now)
    {
        var dying = new Dictionary<int, PeerDyingState>();
        foreach (var v in scan.Verdicts)
        {
            if (v.Reason is not (Reasons.PeerNetnsDying or Reasons.PeerNetnsStuck)) continue;
            var link = v.Link;
            dying[link.Index] = _dying.TryGetValue(link.Index, out var known) && known.Name == link.Name && known.Mac == link.Mac
                ? known
                : new PeerDyingState(link.Index, link.Name, link.Mac, now);
        }
        _dying = dying;
    }

    private FrozenDictionary<int, TimeSpan> DyingFor(DateTimeOffset now) =>
        _dying.Values.ToFrozenDictionary(d => d.Ifindex, d => now > d.Since ? now - d.Since : TimeSpan.Zero);

    private void PruneDetections(DateTimeOffset now)
    {
        var cutoff = now - Options.LeakRateWindow;
        _detections.RemoveAll(d => d.At <= cutoff);
    }

    private FrozenDictionary<string, double> LeakRates(IEnumerable<string> orphanBridges)
    {
        double hours = Options.LeakRateWindow.TotalHours;
        var counts = _detections.GroupBy(d => d.Bridge).ToDictionary(g => g.Key, g => g.Count());
        return counts.Keys.Union(orphanBridges)
            .ToFrozenDictionary(b => b, b => counts.GetValueOrDefault(b) / hours);
    }
}
