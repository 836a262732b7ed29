using Microsoft.Extensions.Time.Testing;
using VethExporter.Classification;
using VethExporter.Scanning;
using VethExporter.Snapshot;
using VethExporter.Tests.Support;
using VethExporter.Tracking;

namespace VethExporter.Tests.Tracking;

public class TrackerTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _clock = new(Start);

    private Tracker NewTracker(TrackerOptions? options = null) => new(options ?? TrackerOptions.Default, _clock);

    /// <summary>Observes the scan after moving the clock on by <paramref name="after"/> (one scan interval by default).</summary>
    private TrackedScan Next(Tracker tracker, ScanResult scan, TimeSpan? after = null)
    {
        _clock.Advance(after ?? Interval);
        return tracker.Observe(scan);
    }

    [Fact]
    public void Ages_grow_with_the_clock_from_the_first_sighting()
    {
        var tracker = NewTracker();
        var scan = Scans.Of(Scans.Orphan());

        var first = tracker.Observe(scan);
        var second = Next(tracker, scan);
        var third = Next(tracker, scan, TimeSpan.FromMinutes(5));

        var identity = OrphanIdentity.Of(scan.Verdicts[0]);
        Assert.Equal(TimeSpan.Zero, first.Orphans[identity].Age);
        Assert.Equal(TimeSpan.FromSeconds(30), second.Orphans[identity].Age);
        Assert.Equal(TimeSpan.FromSeconds(330), third.Orphans[identity].Age);
        Assert.All([first, second, third], t => Assert.Equal(Start, t.Orphans[identity].FirstSeen));
    }

    [Fact]
    public void The_history_callback_gives_orphans_first_seen_and_age_in_the_snapshot()
    {
        var tracker = NewTracker();
        var scan = Scans.Of(Scans.Orphan("veth1"), Scans.InUse("veth2", ifindex: 11));
        tracker.Observe(scan);
        var tracked = Next(tracker, scan, TimeSpan.FromMinutes(2));

        var document = SnapshotMapper.ToDocument(tracked.Scan, tracked.History, tracked.AttachmentHistory);

        var orphan = document.Interfaces.Single(i => i.Name == "veth1");
        Assert.Equal(Start, orphan.FirstSeen);
        Assert.Equal(120, orphan.AgeSeconds);
        var inUse = document.Interfaces.Single(i => i.Name == "veth2");
        Assert.Null(inUse.FirstSeen);
        Assert.Null(inUse.AgeSeconds);
        Assert.Null(tracked.History(scan.Verdicts[1]));
    }

    [Fact]
    public void Unstable_identity_on_the_first_sighting_and_gone_on_the_second()
    {
        var tracker = NewTracker(new TrackerOptions { MinAge = TimeSpan.Zero });
        var scan = Scans.Of(Scans.Orphan());

        var first = tracker.Observe(scan);
        var second = Next(tracker, scan);

        Assert.Equal([Blockers.UnstableIdentity], first.Verdicts[0].Blockers);
        Assert.False(first.Verdicts[0].Deletable);
        Assert.Empty(second.Verdicts[0].Blockers);
        Assert.True(second.Verdicts[0].Deletable);
    }

    [Fact]
    public void Too_young_until_the_minimum_age_has_passed()
    {
        var tracker = NewTracker(new TrackerOptions { MinAge = TimeSpan.FromMinutes(10) });
        var scan = Scans.Of(Scans.Orphan());

        tracker.Observe(scan);
        var almost = Next(tracker, scan, TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        var old = Next(tracker, scan, TimeSpan.FromSeconds(1));

        Assert.Equal([Blockers.TooYoung], almost.Verdicts[0].Blockers);
        Assert.True(almost.Orphans.Single().Value.TooYoung);
        Assert.Empty(old.Verdicts[0].Blockers);
        Assert.True(old.Verdicts[0].Deletable);
    }

    [Fact]
    public void History_blockers_follow_the_static_ones_in_a_stable_order()
    {
        var builder = new InventoryBuilder().Bridge("docker0").Veth("veth1", 0, master: "docker0").Namespace(0, pins: ["/run/docker/netns/c1"]);
        var tracker = NewTracker();

        var tracked = tracker.Observe(Scans.Classified(builder));

        var verdict = Assert.Single(tracked.Verdicts);
        Assert.Equal([Blockers.BridgePort, Blockers.UnstableIdentity, Blockers.TooYoung], verdict.Blockers);
        var orphan = tracked.Find(verdict)!;
        Assert.Equal(verdict.Blockers, orphan.AppendHistoryBlockers(verdict.Blockers));
    }

    [Fact]
    public void Verdicts_that_are_not_orphans_pass_through_unchanged()
    {
        var inUse = Scans.InUse();
        var tracked = NewTracker().Observe(Scans.Of(inUse));

        Assert.Same(inUse, Assert.Single(tracked.Verdicts));
        Assert.Empty(tracked.Orphans);
    }

    public static TheoryData<string, Func<VethVerdict>> IdentityChanges() => new()
    {
        { "same name, new ifindex", () => Scans.Orphan(ifindex: 42) },
        { "same name, new MAC", () => Scans.Orphan(mac: "02:00:00:00:99:99") },
        { "same name, new peer namespace", () => Scans.Orphan(peerInode: Scans.PeerInode + 7) },
    };

    [Theory]
    [MemberData(nameof(IdentityChanges))]
    public void A_changed_identity_is_a_new_orphan(string change, Func<VethVerdict> successor)
    {
        var tracker = NewTracker(new TrackerOptions { MinAge = TimeSpan.Zero });
        var original = Scans.Of(Scans.Orphan());
        tracker.Observe(original);
        Next(tracker, original, TimeSpan.FromMinutes(3));

        var replaced = Next(tracker, Scans.Of(successor()));

        var orphan = Assert.Single(replaced.Orphans.Values);
        Assert.True(orphan.FirstSeen == _clock.GetUtcNow(), $"{change}: first seen not reset");
        Assert.Equal([Blockers.UnstableIdentity], replaced.Verdicts[0].Blockers);
        var ended = Assert.Single(replaced.EndedOrphans);
        Assert.Equal(LifetimeOutcomes.Vanished, ended.Outcome);
        Assert.Equal(180, ended.Seconds);

        var confirmed = Next(tracker, Scans.Of(successor()));
        Assert.Single(confirmed.NewDetections);
        Assert.Equal(2, confirmed.DetectedTotals[new BridgeReason(BridgeLabel.None, Reasons.PinnedNoProcess)]);
    }

    [Fact]
    public void A_leak_is_detected_on_the_second_consecutive_scan_and_only_once()
    {
        var tracker = NewTracker();
        var scan = Scans.Of(Scans.Orphan(bridge: "cni0", reason: Reasons.NoVisibleHolder));

        var first = tracker.Observe(scan);
        var second = Next(tracker, scan);
        var later = Enumerable.Range(0, 5).Select(_ => Next(tracker, scan)).ToList();

        Assert.Empty(first.NewDetections);
        Assert.False(first.Orphans.Single().Value.Confirmed);
        var detection = Assert.Single(second.NewDetections);
        Assert.Equal(("cni0", Reasons.NoVisibleHolder), (detection.Bridge, detection.Reason));
        Assert.Equal(Start, detection.FirstSeen);
        Assert.Equal(Start + Interval, detection.DetectedAt);
        Assert.All(later, t => Assert.Empty(t.NewDetections));
        Assert.Equal(1, later[^1].DetectedTotals[new BridgeReason("cni0", Reasons.NoVisibleHolder)]);
    }

    [Fact]
    public void An_orphan_without_a_master_is_counted_under_bridge_none()
    {
        var tracker = NewTracker();
        var scan = Scans.Of(Scans.Orphan(bridge: null, reason: Reasons.HalfCreated));
        tracker.Observe(scan);

        var detection = Assert.Single(Next(tracker, scan).NewDetections);

        Assert.Equal(BridgeLabel.None, detection.Bridge);
        Assert.Equal(Reasons.HalfCreated, detection.Reason);
    }

    [Fact]
    public void A_single_scan_blip_is_neither_detected_nor_given_a_lifetime()
    {
        var tracker = NewTracker();
        var blip = tracker.Observe(Scans.Of(Scans.Orphan()));
        var gone = Next(tracker, Scans.Of());
        var back = Next(tracker, Scans.Of(Scans.Orphan()));

        Assert.Single(blip.Orphans);
        Assert.Empty(gone.NewDetections);
        Assert.Empty(gone.EndedOrphans);
        Assert.Empty(gone.DetectedTotals);
        Assert.Empty(back.NewDetections);
        Assert.Equal(Start + 2 * Interval, back.Orphans.Single().Value.FirstSeen);
    }

    [Fact]
    public void Ended_orphans_are_observed_as_remediated_or_vanished()
    {
        var tracker = NewTracker();
        var both = Scans.Of(Scans.Orphan("veth1", 10, bridge: "docker0"), Scans.Orphan("veth2", 11, "02:00:00:00:01:0b", bridge: "br-a"));
        tracker.Observe(both);
        Next(tracker, both);
        Next(tracker, both, TimeSpan.FromMinutes(10));

        Assert.True(tracker.MarkRemediated(10, "veth1"));
        Assert.False(tracker.MarkRemediated(10, "veth-other"));
        var after = Next(tracker, Scans.Of());

        Assert.Equal(2, after.EndedOrphans.Count);
        var remediated = after.EndedOrphans.Single(e => e.Identity.Name == "veth1");
        Assert.Equal(("docker0", LifetimeOutcomes.Remediated), (remediated.Bridge, remediated.Outcome));
        Assert.Equal(630, remediated.Seconds); // first seen to last seen, not to the scan that missed it
        var vanished = after.EndedOrphans.Single(e => e.Identity.Name == "veth2");
        Assert.Equal(("br-a", LifetimeOutcomes.Vanished), (vanished.Bridge, vanished.Outcome));
        Assert.Empty(Next(tracker, Scans.Of()).EndedOrphans);
    }

    [Fact]
    public void An_orphan_held_again_ends_as_vanished()
    {
        var tracker = NewTracker();
        var orphan = Scans.Of(Scans.Orphan());
        tracker.Observe(orphan);
        Next(tracker, orphan);

        var held = Next(tracker, Scans.Of(Scans.InUse()));

        Assert.Equal(LifetimeOutcomes.Vanished, Assert.Single(held.EndedOrphans).Outcome);
        Assert.Empty(held.Orphans);
    }

    [Fact]
    public void Remediation_marks_by_identity_and_refuses_unknown_ones()
    {
        var tracker = NewTracker();
        var verdict = Scans.Orphan();
        tracker.Observe(Scans.Of(verdict));
        Next(tracker, Scans.Of(verdict));

        Assert.False(tracker.MarkRemediated(OrphanIdentity.Of(verdict) with { Mac = "02:ff:ff:ff:ff:ff" }));
        Assert.True(tracker.MarkRemediated(OrphanIdentity.Of(verdict)));
        Assert.True(Next(tracker, Scans.Of(verdict)).Orphans.Single().Value.MarkedRemediated);
        Assert.Equal(LifetimeOutcomes.Remediated, Assert.Single(Next(tracker, Scans.Of()).EndedOrphans).Outcome);
    }

    [Fact]
    public void Leak_rate_counts_detections_in_the_trailing_window()
    {
        var tracker = NewTracker(new TrackerOptions { LeakRateWindow = TimeSpan.FromHours(2) });
        var two = Scans.Of(Scans.Orphan("veth1", 10, bridge: "docker0"), Scans.Orphan("veth2", 11, "02:00:00:00:01:0b", bridge: "docker0"));
        var oneLeft = Scans.Of(Scans.Orphan("veth2", 11, "02:00:00:00:01:0b", bridge: "docker0"));

        var first = tracker.Observe(two);
        var detected = Next(tracker, two);
        var inWindow = Next(tracker, oneLeft, TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        var outOfWindow = Next(tracker, oneLeft, TimeSpan.FromSeconds(1));
        var noOrphans = Next(tracker, Scans.Of());

        Assert.Equal(0, first.LeakRatePerHour["docker0"]); // orphans, nothing confirmed yet
        Assert.Equal(1.0, detected.LeakRatePerHour["docker0"]); // two detections over a two-hour window
        Assert.Equal(1.0, inWindow.LeakRatePerHour["docker0"]);
        Assert.Equal(0, outOfWindow.LeakRatePerHour["docker0"]); // still has an orphan
        Assert.Empty(noOrphans.LeakRatePerHour);
    }

    [Fact]
    public void A_bridge_stays_in_the_leak_rate_while_its_detections_are_in_the_window()
    {
        var tracker = NewTracker();
        var scan = Scans.Of(Scans.Orphan(bridge: "br-a"));
        tracker.Observe(scan);
        Next(tracker, scan);

        var gone = Next(tracker, Scans.Of());
        var expired = Next(tracker, Scans.Of(), TimeSpan.FromHours(1));

        Assert.Equal(1.0, gone.LeakRatePerHour["br-a"]);
        Assert.False(expired.LeakRatePerHour.ContainsKey("br-a"));
        Assert.Equal(1, expired.DetectedTotals[new BridgeReason("br-a", Reasons.PinnedNoProcess)]); // the counter never drops
    }

    [Fact]
    public void Peer_dying_time_from_the_tracker_turns_a_dying_peer_stuck()
    {
        var builder = new InventoryBuilder().Veth("veth1", -1);
        int index = builder.Index("veth1");
        var tracker = NewTracker();

        var dying = tracker.Observe(Scans.Classified(builder, tracker.PeerDyingFor()));
        _clock.Advance(TimeSpan.FromMinutes(5));
        var stuck = tracker.Observe(Scans.Classified(builder, tracker.PeerDyingFor()));
        _clock.Advance(Interval);
        var stillStuck = tracker.Observe(Scans.Classified(builder, tracker.PeerDyingFor()));

        Assert.Equal((VethStates.Transient, Reasons.PeerNetnsDying), (dying.Verdicts[0].State, dying.Verdicts[0].Reason));
        Assert.Equal(TimeSpan.Zero, dying.PeerDyingFor[index]);
        Assert.Equal((VethStates.Orphan, Reasons.PeerNetnsStuck), (stuck.Verdicts[0].State, stuck.Verdicts[0].Reason));
        Assert.Equal(Reasons.PeerNetnsStuck, stillStuck.Verdicts[0].Reason);
        Assert.Equal(TimeSpan.FromSeconds(330), stillStuck.PeerDyingFor[index]);
    }

    [Fact]
    public void Peer_dying_time_restarts_for_a_reused_ifindex_and_ends_with_the_link()
    {
        var tracker = NewTracker();
        var dying = Scans.Of(Scans.Orphan() with { State = VethStates.Transient, Reason = Reasons.PeerNetnsDying });
        var reused = Scans.Of(Scans.Orphan(name: "veth9", mac: "02:00:00:00:09:09") with { State = VethStates.Transient, Reason = Reasons.PeerNetnsDying });

        tracker.Observe(dying);
        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(TimeSpan.FromMinutes(4), tracker.PeerDyingFor()[10]);

        var afterReuse = tracker.Observe(reused);
        Assert.Equal(TimeSpan.Zero, afterReuse.PeerDyingFor[10]);

        var gone = Next(tracker, Scans.Of());
        Assert.Empty(gone.PeerDyingFor);
        Assert.Empty(tracker.PeerDyingFor());
    }

    [Fact]
    public void A_tracked_scan_does_not_change_after_later_scans()
    {
        var tracker = NewTracker();
        var scan = Scans.Of(Scans.Orphan());
        var first = tracker.Observe(scan);

        Next(tracker, scan);
        tracker.MarkRemediated(10, "veth1");
        Next(tracker, Scans.Of());

        var orphan = Assert.Single(first.Orphans.Values);
        Assert.False(orphan.Confirmed);
        Assert.False(orphan.MarkedRemediated);
        Assert.Empty(first.DetectedTotals);
    }
}
