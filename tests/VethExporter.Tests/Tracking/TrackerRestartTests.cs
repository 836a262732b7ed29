using Microsoft.Extensions.Time.Testing;
using VethExporter.Classification;
using VethExporter.Scanning;
using VethExporter.Tests.Support;
using VethExporter.Tracking;

namespace VethExporter.Tests.Tracking;

/// <summary>A restart is a new Tracker over the same state file, with the clock moved on by the downtime.</summary>
public sealed class TrackerRestartTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private static readonly BridgeReason DockerPinned = new("docker0", Reasons.PinnedNoProcess);

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly ScanResult _orphan = Scans.Of(Scans.Orphan(bridge: "docker0"));

    public void Dispose() => _directory.Dispose();

    private Tracker Restart(TimeSpan downtime = default)
    {
        _clock.Advance(downtime);
        var tracker = new Tracker(new TrackerOptions { ScanInterval = Interval }, _clock, new TrackerStateStore(_directory.File("state.json"), _clock));
        var loaded = tracker.Load();
        Assert.True(loaded.Status is StateLoadStatus.Restored or StateLoadStatus.Missing, loaded.Message);
        return tracker;
    }

    private TrackedScan ObserveAndSave(Tracker tracker, ScanResult scan, TimeSpan? after = null)
    {
        _clock.Advance(after ?? Interval);
        var tracked = tracker.Observe(scan);
        Assert.Equal(StateSaveStatus.Saved, tracker.Save().Status);
        return tracked;
    }

    [Fact]
    public void Ages_first_seen_and_confirmation_continue_after_a_short_restart()
    {
        var before = Restart();
        ObserveAndSave(before, _orphan);
        ObserveAndSave(before, _orphan);

        var after = Restart(TimeSpan.FromSeconds(10));
        var tracked = ObserveAndSave(after, _orphan, TimeSpan.FromSeconds(20));

        var orphan = Assert.Single(tracked.Orphans.Values);
        Assert.Equal(Start + Interval, orphan.FirstSeen);
        Assert.Equal(TimeSpan.FromSeconds(60), orphan.Age);
        Assert.True(orphan.StableIdentity);
        Assert.DoesNotContain(Blockers.UnstableIdentity, tracked.Verdicts[0].Blockers);
        Assert.Empty(tracked.NewDetections);
        Assert.Equal(1, tracked.DetectedTotals[DockerPinned]);
    }

    [Fact]
    public void An_orphan_seen_just_before_a_short_restart_is_confirmed_just_after_it()
    {
        var before = Restart();
        ObserveAndSave(before, _orphan);

        var after = Restart(TimeSpan.FromSeconds(5));
        var tracked = ObserveAndSave(after, _orphan, Interval * 2 - TimeSpan.FromSeconds(5));

        var detection = Assert.Single(tracked.NewDetections);
        Assert.Equal(Start + Interval, detection.FirstSeen);
    }

    [Fact]
    public void After_a_long_restart_identities_must_prove_themselves_again_but_keep_their_age()
    {
        var before = Restart();
        ObserveAndSave(before, _orphan);
        ObserveAndSave(before, _orphan);

        var after = Restart(TimeSpan.FromMinutes(10));
        var first = ObserveAndSave(after, _orphan);
        var second = ObserveAndSave(after, _orphan);

        Assert.Contains(Blockers.UnstableIdentity, first.Verdicts[0].Blockers);
        Assert.Equal(Start + Interval, first.Orphans.Single().Value.FirstSeen);
        Assert.Empty(first.NewDetections); // confirmed before the restart: never counted twice
        Assert.DoesNotContain(Blockers.UnstableIdentity, second.Verdicts[0].Blockers);
        Assert.Empty(second.NewDetections);
        Assert.Equal(1, second.DetectedTotals[DockerPinned]);
    }

    [Fact]
    public void The_detection_counter_continues_across_restarts()
    {
        var before = Restart();
        ObserveAndSave(before, _orphan);
        ObserveAndSave(before, _orphan);

        var after = Restart(TimeSpan.FromSeconds(5));
        var other = Scans.Of(Scans.Orphan(bridge: "docker0"), Scans.Orphan("veth2", 11, "02:00:00:00:01:0b", bridge: "docker0"));
        ObserveAndSave(after, other);
        var tracked = ObserveAndSave(after, other);

        Assert.Single(tracked.NewDetections);
        Assert.Equal(2, tracked.DetectedTotals[DockerPinned]);
    }

    [Fact]
    public void The_leak_rate_window_survives_a_restart_and_still_ages_out()
    {
        var before = Restart();
        ObserveAndSave(before, _orphan);
        var detected = ObserveAndSave(before, _orphan);
        ObserveAndSave(before, Scans.Of());

        var after = Restart(TimeSpan.FromMinutes(20));
        var restarted = ObserveAndSave(after, Scans.Of());
        var expired = ObserveAndSave(after, Scans.Of(), TimeSpan.FromMinutes(40));

        Assert.Equal(Start + 2 * Interval, Assert.Single(detected.NewDetections).DetectedAt);
        Assert.Equal(1.0, restarted.LeakRatePerHour["docker0"]);
        Assert.Empty(expired.LeakRatePerHour);
        Assert.Empty(after.CurrentState().Detections);
    }

    [Fact]
    public void A_confirmed_orphan_that_went_during_the_restart_gets_its_lifetime_with_the_remediation_mark()
    {
        var before = Restart();
        ObserveAndSave(before, _orphan);
        ObserveAndSave(before, _orphan, TimeSpan.FromMinutes(15));
        Assert.True(before.MarkRemediated(10, "veth1"));
        Assert.Equal(StateSaveStatus.Saved, before.Save().Status);

        var after = Restart(TimeSpan.FromSeconds(10));
        var tracked = ObserveAndSave(after, Scans.Of());

        var ended = Assert.Single(tracked.EndedOrphans);
        Assert.Equal(LifetimeOutcomes.Remediated, ended.Outcome);
        Assert.Equal(15 * 60, ended.Seconds);
        Assert.Equal("docker0", ended.Bridge);
    }

    [Fact]
    public void Peer_dying_time_survives_a_restart()
    {
        var dying = Scans.Of(Scans.Orphan() with { State = VethStates.Transient, Reason = Reasons.PeerNetnsDying });
        var before = Restart();
        ObserveAndSave(before, dying);

        var after = Restart(TimeSpan.FromMinutes(3));

        Assert.Equal(TimeSpan.FromMinutes(3), after.PeerDyingFor()[10]);
        _clock.Advance(TimeSpan.FromMinutes(2));
        var stuck = after.Observe(Scans.Classified(new InventoryBuilder().Veth("veth1", -1), after.PeerDyingFor()));
        Assert.Equal(Reasons.PeerNetnsStuck, Assert.Single(stuck.Verdicts).Reason);
    }
}
