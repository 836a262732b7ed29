using VethExporter.Scanning;

namespace VethExporter.Metrics;

/// <summary>Everything one scan contributes to the metrics, with history already applied.</summary>
/// <param name="Scan">The scan, its verdicts carrying every blocker (static and history).</param>
/// <param name="OrphanAges">Age in seconds of each current orphan, by bridge label.</param>
/// <param name="DetectionTotals">Leak events ever detected per (bridge, reason); persisted, so they survive restarts.</param>
/// <param name="EndedOrphans">Orphans that stopped being orphans since the last scan.</param>
/// <param name="LeakRatePerHour">Per bridge, leaks detected in the trailing window, per hour.</param>
/// <param name="AttachmentTotals">Leaked CNI attachments ever confirmed, by network; persisted.</param>
public sealed record MetricsInput(
    ScanResult Scan,
    IReadOnlyList<(string Bridge, double AgeSeconds)> OrphanAges,
    IReadOnlyDictionary<(string Bridge, string Reason), long> DetectionTotals,
    IReadOnlyList<(string Bridge, string Outcome, double Seconds)> EndedOrphans,
    IReadOnlyDictionary<string, double> LeakRatePerHour,
    IReadOnlyDictionary<string, long>? AttachmentTotals = null);
