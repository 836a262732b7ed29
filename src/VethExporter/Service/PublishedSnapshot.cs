using VethExporter.Scanning;
using VethExporter.Tracking;

namespace VethExporter.Service;

/// <summary>The last good scan as every reader sees it: immutable, swapped in whole after each scan.</summary>
/// <param name="Tracked">The scan with its history: verdicts carrying every blocker, ages and first-seen times.</param>
public sealed record PublishedSnapshot(TrackedScan Tracked)
{
    public ScanResult Scan => Tracked.Scan;
}
