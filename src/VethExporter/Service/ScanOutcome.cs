using VethExporter.Tracking;

namespace VethExporter.Service;

/// <summary>How one scan attempt ended, as the coordinator tells its observer.</summary>
/// <param name="Tracked">The scan with its history, or null when it failed.</param>
/// <param name="Error">Why it failed, or null.</param>
/// <param name="StatePersisted">Whether history was written after it; null when it was not attempted.</param>
/// <param name="At">When the attempt ended.</param>
public sealed record ScanOutcome(TrackedScan? Tracked, string? Error, bool? StatePersisted, DateTimeOffset At);

/// <summary>
/// Told of the end of every scan attempt, by the coordinator, under its one-scan-at-a-time gate: so an
/// observer (the metrics) has a single writer and sees each scan whole. The service knows nothing of
/// what the observer makes of it.
/// </summary>
public interface IScanObserver
{
    Task ScanEndedAsync(ScanOutcome outcome, CancellationToken cancellationToken);
}
