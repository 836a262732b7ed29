using VethExporter.Service;

namespace VethExporter.Metrics;

/// <summary>
/// Turns each scan's end into the scan-derived families, then renders the page: the coordinator calls it
/// under its gate, so these families have one writer and a page never mixes two scans.
/// </summary>
public sealed class ScanMetrics(ExporterMetrics metrics, MetricsPage? page = null) : IScanObserver
{
    public async Task ScanEndedAsync(ScanOutcome outcome, CancellationToken cancellationToken)
    {
        var self = metrics.Self;
        self.Scans.Inc();
        if (outcome.Tracked is { } tracked)
        {
            metrics.Apply(new MetricsInput(
                tracked.Scan,
                tracked.Orphans.Values.Select(o => (o.Bridge, o.Age.TotalSeconds)).ToList(),
                tracked.DetectedTotals.ToDictionary(e => (e.Key.Bridge, e.Key.Reason), e => e.Value),
                tracked.EndedOrphans.Select(e => (e.Bridge, e.Outcome, e.Seconds)).ToList(),
                tracked.LeakRatePerHour,
                tracked.AttachmentTotals));
            self.LastScanSuccess.Set(1);
            self.LastScanSuccessTimestamp.Set(outcome.At.ToUnixTimeMilliseconds() / 1000.0);
            self.ScanDuration.Set(tracked.Scan.Duration.TotalSeconds);
            self.HostViewComplete.Set(tracked.Scan.HostViewComplete ? 1 : 0);
            self.SetRuntimes(tracked.Scan.Runtime.Statuses);
        }
        else
        {
            self.ScanFailures.Inc();
            self.LastScanSuccess.Set(0);
        }
        if (outcome.StatePersisted is bool persisted) self.StatePersisted.Set(persisted ? 1 : 0);
        if (page is not null) await page.PublishAsync(cancellationToken).ConfigureAwait(false);
    }
}
