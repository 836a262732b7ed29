using System.Text.Json;
using VethExporter.Cli;
using VethExporter.Scanning;
using VethExporter.Snapshot;
using VethExporter.Tracking;

namespace VethExporter.Commands;

/// <summary>
/// `veth-exporter scan`: one scan, printed as JSON or as a table, judged exactly as `serve` and
/// `remediate` judge it. History comes from the state file when a running exporter keeps one (read,
/// never written); without it an orphan is seen for the first time, so it carries the history blockers
/// (`unstable_identity`, `too_young`) rather than claiming a deletability one scan cannot know.
/// </summary>
internal static class ScanCommand
{
    public static async Task<int> RunAsync(ExporterOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var clock = TimeProvider.System;
        var tracker = new Tracker(new TrackerOptions { MinAge = options.MinAge, ScanInterval = options.ScanInterval }, clock,
            File.Exists(options.StateFile) ? new TrackerStateStore(options.StateFile, clock) : null);
        tracker.Load();
        using var scanner = new Scanner(options.ScannerOptions);
        var scan = await scanner.ScanAsync(tracker.PeerDyingFor(), cancellationToken).ConfigureAwait(false);
        var tracked = tracker.Observe(scan);
        var document = SnapshotMapper.ToDocument(tracked.Scan, tracked.History, tracked.AttachmentHistory);
        if (options.Output == "json")
            await output.WriteLineAsync(JsonSerializer.Serialize(document, SnapshotJsonContext.Default.SnapshotDocument)).ConfigureAwait(false);
        else
            await output.WriteAsync(TextReport.Render(document)).ConfigureAwait(false);
        return 0;
    }
}
