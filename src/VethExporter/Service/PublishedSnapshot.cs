using VethExporter.Scanning;
using VethExporter.Snapshot;

namespace VethExporter.Service;

/// <summary>The last good scan as every reader sees it: immutable, swapped in whole after each scan.</summary>
public sealed record PublishedSnapshot(ScanResult Scan, SnapshotDocument Document);
