using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using VethExporter.Classification;
using VethExporter.Tests.Support;
using VethExporter.Tracking;

namespace VethExporter.Tests.Tracking;

public sealed class TrackerStateStoreTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _clock = new(Start);

    public void Dispose() => _directory.Dispose();

    private string StateFile => _directory.File("state.json");

    private Tracker NewTracker(string? path = null) =>
        new(TrackerOptions.Default, _clock, new TrackerStateStore(path ?? StateFile, _clock));

    /// <summary>A tracker that has confirmed one orphan and saved, as a running exporter would have.</summary>
    private void RunOnce()
    {
        var tracker = NewTracker();
        var scan = Scans.Of(Scans.Orphan(bridge: "docker0"));
        tracker.Observe(scan);
        _clock.Advance(TimeSpan.FromSeconds(30));
        tracker.Observe(scan);
        Assert.Equal(StateSaveStatus.Saved, tracker.Save().Status);
    }

    [Fact]
    public void No_state_file_is_a_fresh_start()
    {
        var tracker = NewTracker();

        var loaded = tracker.Load();

        Assert.Equal(StateLoadStatus.Missing, loaded.Status);
        Assert.False(loaded.Failed);
        Assert.Empty(tracker.CurrentState().Orphans);
        Assert.Empty(_directory.Entries());
    }

    [Fact]
    public void Without_a_state_file_history_is_kept_in_memory()
    {
        var tracker = new Tracker(TrackerOptions.Default, _clock);

        Assert.Equal(StateLoadStatus.Disabled, tracker.Load().Status);
        tracker.Observe(Scans.Of(Scans.Orphan()));
        var saved = tracker.Save();

        Assert.Equal(StateSaveStatus.Disabled, saved.Status);
        Assert.False(saved.Failed);
        Assert.Single(tracker.CurrentState().Orphans);
    }

    [Fact]
    public void The_state_file_is_versioned_camel_case_json_holding_what_a_restart_needs()
    {
        RunOnce();

        using var json = JsonDocument.Parse(File.ReadAllBytes(StateFile));
        var root = json.RootElement;

        Assert.Equal(TrackerState.CurrentVersion, root.GetProperty("version").GetInt32());
        Assert.Equal(Start.AddSeconds(30), root.GetProperty("lastScanAt").GetDateTimeOffset());
        var orphan = root.GetProperty("orphans").EnumerateArray().Single();
        Assert.Equal("veth1", orphan.GetProperty("name").GetString());
        Assert.Equal(10, orphan.GetProperty("ifindex").GetInt32());
        Assert.Equal(Scans.PeerInode, orphan.GetProperty("peerNetnsInode").GetUInt64());
        Assert.Equal(Start, orphan.GetProperty("firstSeen").GetDateTimeOffset());
        Assert.True(orphan.GetProperty("confirmed").GetBoolean());
        var total = root.GetProperty("detectedTotals").EnumerateArray().Single();
        Assert.Equal(("docker0", Reasons.PinnedNoProcess, 1L),
            (total.GetProperty("bridge").GetString(), total.GetProperty("reason").GetString(), total.GetProperty("count").GetInt64()));
        Assert.Single(root.GetProperty("detections").EnumerateArray());
    }

    [Fact]
    public void Saving_leaves_only_the_state_file_behind()
    {
        var tracker = NewTracker();
        for (int i = 0; i < 5; i++)
        {
            tracker.Observe(Scans.Of(Scans.Orphan()));
            Assert.Equal(StateSaveStatus.Saved, tracker.Save().Status);
            _clock.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(["state.json"], _directory.Entries());
        Assert.True(TrackerStateStore.TryParse(File.ReadAllBytes(StateFile), out var state, out string? problem), problem);
        Assert.Equal(Start.AddSeconds(120), state.LastScanAt);
    }

    [Fact]
    public void A_temporary_file_abandoned_by_a_crash_is_removed_on_load()
    {
        RunOnce();
        File.WriteAllText(StateFile + ".tmp-4242-0123456789abcdef", "{\"version\":1,");

        var loaded = NewTracker().Load();

        Assert.Equal(StateLoadStatus.Restored, loaded.Status);
        Assert.Equal(["state.json"], _directory.Entries());
    }

    [Fact]
    public void A_missing_directory_is_created_on_save()
    {
        string nested = Path.Combine(_directory.Path, "var", "lib", "veth-exporter", "state.json");
        var tracker = NewTracker(nested);
        tracker.Observe(Scans.Of(Scans.Orphan()));

        Assert.Equal(StateSaveStatus.Saved, tracker.Save().Status);
        Assert.True(File.Exists(nested));
    }

    public static TheoryData<string, string, string> UnusableFiles() => new()
    {
        { "garbage", "\u007fELF not json at all", "not valid state JSON" },
        { "empty", "", "not valid state JSON" },
        { "truncated", """{"version":1,"savedAt":"2026-03-01T12:00:00+00:00","lastScanAt":null,"orphans":[{"ifindex":10,""", "not valid state JSON" },
        { "wrong version", """{"version":2,"orphans":[]}""", "schema version 2" },
        { "no version", """{"orphans":[]}""", "no schema version" },
        { "not an object", "[1,2,3]", "not a state object" },
        { "null", "null", "not a state object" },
        { "missing field", """{"version":1,"savedAt":"2026-03-01T12:00:00+00:00","lastScanAt":null,"orphans":[],"detections":[],"detectedTotals":[]}""", "not valid state JSON" },
        { "null list", """{"version":1,"savedAt":"2026-03-01T12:00:00+00:00","lastScanAt":null,"orphans":null,"detections":[],"detectedTotals":[],"peerNetnsDying":[]}""", "not valid state JSON" },
        { "trailing garbage", """{"version":1,"savedAt":"2026-03-01T12:00:00+00:00","lastScanAt":null,"orphans":[],"detections":[],"detectedTotals":[],"peerNetnsDying":[]} x""", "not valid state JSON" },
    };

    [Theory]
    [MemberData(nameof(UnusableFiles))]
    public void An_unusable_state_file_is_set_aside_and_history_starts_fresh(string kind, string content, string expectedProblem)
    {
        File.WriteAllText(StateFile, content, new UTF8Encoding(false));
        var tracker = NewTracker();

        var loaded = tracker.Load();

        Assert.True(loaded.Status == StateLoadStatus.Corrupt, $"{kind}: {loaded.Status} {loaded.Message}");
        Assert.True(loaded.Failed);
        Assert.Contains(expectedProblem, loaded.Message, StringComparison.Ordinal);
        Assert.Equal(StateFile + ".corrupt-20260301T120000Z", loaded.SetAsidePath);
        Assert.Equal(content, File.ReadAllText(loaded.SetAsidePath!));
        Assert.False(File.Exists(StateFile));

        var first = tracker.Observe(Scans.Of(Scans.Orphan()));
        Assert.Contains(Blockers.UnstableIdentity, first.Verdicts[0].Blockers);
        Assert.Equal(StateSaveStatus.Saved, tracker.Save().Status);
        Assert.Equal(StateLoadStatus.Restored, NewTracker().Load().Status);
    }

    [Fact]
    public void A_second_corrupt_file_in_the_same_second_does_not_overwrite_the_first()
    {
        File.WriteAllText(StateFile, "first");
        var first = NewTracker().Load();
        File.WriteAllText(StateFile, "second");
        var second = NewTracker().Load();

        Assert.NotEqual(first.SetAsidePath, second.SetAsidePath);
        Assert.Equal("first", File.ReadAllText(first.SetAsidePath!));
        Assert.Equal("second", File.ReadAllText(second.SetAsidePath!));
    }

    [Fact]
    public void A_state_file_that_cannot_be_read_is_reported_not_thrown()
    {
        Directory.CreateDirectory(StateFile); // reading a directory fails even for root
        var tracker = NewTracker();

        var loaded = tracker.Load();

        Assert.Equal(StateLoadStatus.Corrupt, loaded.Status);
        Assert.Contains("cannot read it", loaded.Message, StringComparison.Ordinal);
        Assert.Single(tracker.Observe(Scans.Of(Scans.Orphan())).Orphans);
    }

    [Fact]
    public void An_unwritable_location_keeps_history_in_memory_reports_once_and_recovers()
    {
        string blocker = _directory.File("not-a-directory");
        File.WriteAllText(blocker, "a file where the state directory should be");
        string path = Path.Combine(blocker, "state.json");
        var tracker = NewTracker(path);
        var scan = Scans.Of(Scans.Orphan());

        Assert.Equal(StateLoadStatus.Missing, tracker.Load().Status);
        tracker.Observe(scan);
        var failed = tracker.Save();
        _clock.Advance(TimeSpan.FromSeconds(30));
        var confirmed = tracker.Observe(scan);
        var failedAgain = tracker.Save();

        Assert.Equal(StateSaveStatus.Failed, failed.Status);
        Assert.True(failed.StatusChanged);
        Assert.Contains(path, failed.Message, StringComparison.Ordinal);
        Assert.Equal(StateSaveStatus.Failed, failedAgain.Status);
        Assert.False(failedAgain.StatusChanged);
        Assert.Single(confirmed.NewDetections); // history kept working in memory

        File.Delete(blocker);
        var recovered = tracker.Save();
        Assert.Equal(StateSaveStatus.Saved, recovered.Status);
        Assert.True(recovered.StatusChanged);
        Assert.True(File.Exists(path));
        Assert.Equal(["state.json"], Directory.EnumerateFileSystemEntries(blocker).Select(Path.GetFileName));
    }

    [Fact]
    public void A_restored_state_round_trips_unchanged()
    {
        RunOnce();
        var original = File.ReadAllBytes(StateFile);
        Assert.True(TrackerStateStore.TryParse(original, out var before, out _));

        var tracker = NewTracker();
        Assert.Equal(StateLoadStatus.Restored, tracker.Load().Status);
        var after = tracker.CurrentState();

        Assert.Equal(before.LastScanAt, after.LastScanAt);
        Assert.Equal(before.Orphans, after.Orphans);
        Assert.Equal(before.Detections, after.Detections);
        Assert.Equal(before.DetectedTotals, after.DetectedTotals);
    }

    [Fact]
    public void Load_after_the_first_scan_is_refused()
    {
        var fresh = NewTracker();
        fresh.Observe(Scans.Of());
        RunOnce();
        var restored = NewTracker();
        restored.Observe(Scans.Of());

        Assert.Throws<InvalidOperationException>(() => fresh.Load());
        Assert.Throws<InvalidOperationException>(() => restored.Load());
    }
}
