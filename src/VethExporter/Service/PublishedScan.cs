using VethExporter.Scanning;
using VethExporter.Tracking;

namespace VethExporter.Service;

/// <summary>The last good scan as every reader sees it: immutable, swapped in whole after each scan.</summary>
/// <param name="Tracked">The scan with its history: verdicts carrying every blocker, ages and first-seen times.</param>
public sealed record PublishedScan(TrackedScan Tracked)
{
    public ScanResult Scan => Tracked.Scan;
}

/// <summary>The documents served from a snapshot, rendered once when it is published. OrphansJson is null before the first scan.</summary>
public sealed record RenderedPages(byte[]? OrphansJson, byte[] LandingPage);
