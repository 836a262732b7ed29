using Microsoft.Extensions.Time.Testing;
using VethExporter.Classification;
using VethExporter.Scanning;
using VethExporter.Tests.Metrics;
using VethExporter.Tests.Support;
using VethExporter.Tracking;

namespace VethExporter.Tests.Tracking;

/// <summary>Leaked CNI attachments get the orphans' history: first seen, two sightings, minimum age, one leak event, across restarts.</summary>
public sealed class AttachmentHistoryTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _clock = new(Start);
    /// <summary>Two leaked attachments (one pinned, one whose netns is gone), one live, one without a cache entry.</summary>
    private readonly ScanResult _scan = MetricsFixture.Scan();

    public void Dispose() => _directory.Dispose();

    private Tracker NewTracker() =>
        new(new TrackerOptions { ScanInterval = Interval, MinAge = TimeSpan.FromMinutes(10) }, _clock, new TrackerStateStore(_directory.File("state.json"), _clock));

    private static AttachmentVerdict Of(TrackedScan tracked, string containerId) => tracked.Scan.Attachments.Single(a => a.Key.ContainerId == containerId);

    [Fact]
    public void A_leak_needs_two_sightings_and_the_minimum_age_before_cni_del_may_run()
    {
        var tracker = NewTracker();

        var first = tracker.Observe(_scan);
        _clock.Advance(Interval);
        var second = tracker.Observe(_scan);
        _clock.Advance(TimeSpan.FromMinutes(10));
        var third = tracker.Observe(_scan);

        Assert.Equal([Blockers.UnstableIdentity, Blockers.TooYoung], Of(first, "b2b2b2b2b2b2b2b2").Blockers);
        Assert.Equal([Blockers.TooYoung], Of(second, "b2b2b2b2b2b2b2b2").Blockers);
        Assert.Empty(Of(third, "b2b2b2b2b2b2b2b2").Blockers);
        Assert.True(Of(third, "c3c3c3c3c3c3c3c3").Deletable);
        // Live and unknown attachments carry no blockers and no history.
        Assert.Empty(Of(third, "a1a1a1a1a1a1a1a1").Blockers);
        Assert.Null(third.Find(Of(third, "d4d4d4d4d4d4d4d4")));

        Assert.False(first.AttachmentTotals.ContainsKey("podnet"));
        Assert.Equal(2, second.AttachmentTotals["podnet"]); // each counted once, when confirmed
        Assert.Equal(2, third.AttachmentTotals["podnet"]);
        Assert.Equal(TimeSpan.FromSeconds(630), third.Find(Of(third, "b2b2b2b2b2b2b2b2"))!.Age);
    }

    [Fact]
    public void Ages_and_counts_survive_a_restart()
    {
        var tracker = NewTracker();
        tracker.Observe(_scan);
        _clock.Advance(Interval);
        tracker.Observe(_scan);
        Assert.Equal(StateSaveStatus.Saved, tracker.Save().Status);

        _clock.Advance(Interval);
        var restarted = NewTracker();
        Assert.Equal(StateLoadStatus.Restored, restarted.Load().Status);
        var after = restarted.Observe(_scan);

        var leak = after.Find(Of(after, "b2b2b2b2b2b2b2b2"))!;
        Assert.Equal(Start, leak.FirstSeen);
        Assert.True(leak.StableIdentity);
        Assert.Equal(2, after.AttachmentTotals["podnet"]);
    }

    [Fact]
    public void A_leak_that_went_away_and_came_back_starts_again()
    {
        var tracker = NewTracker();
        tracker.Observe(_scan);
        _clock.Advance(Interval);
        tracker.Observe(_scan with { Attachments = [] });
        _clock.Advance(Interval);
        var back = tracker.Observe(_scan);

        Assert.Contains(Blockers.UnstableIdentity, Of(back, "b2b2b2b2b2b2b2b2").Blockers);
        Assert.Equal(Start + Interval * 2, back.Find(Of(back, "b2b2b2b2b2b2b2b2"))!.FirstSeen);
    }
}
