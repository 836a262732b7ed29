using Microsoft.Extensions.Logging;
using VethExporter.Metrics;
using VethExporter.Scanning;
using VethExporter.Snapshot;

namespace VethExporter.Service;

/// <summary>
/// Runs scans one at a time, whoever asks (the periodic loop, a remediation rescan): a caller that
/// arrives while a scan is running waits for it and then runs its own, so its result is never older
/// than its request. A failed scan keeps the last good snapshot published and is counted.
/// </summary>
public sealed partial class ScanCoordinator(
    Scanner scanner,
    SnapshotStore store,
    ExporterMetrics metrics,
    TimeProvider clock,
    ILogger<ScanCoordinator> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<PublishedSnapshot?> ScanNowAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ScanLockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Scans and then runs <paramref name="act"/> on that fresh snapshot before any other scan may start:
    /// remediation acts on what the kernel said a moment ago, and no scan sees its work half done.
    /// </summary>
    public async Task<T> ScanThenAsync<T>(Func<PublishedSnapshot?, Task<T>> act, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var fresh = await ScanLockedAsync(cancellationToken).ConfigureAwait(false);
            return await act(fresh).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<PublishedSnapshot?> ScanLockedAsync(CancellationToken cancellationToken)
    {
        metrics.Self.Scans.Inc();
        try
        {
            var scan = await scanner.ScanAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var published = Publish(scan);
            metrics.Self.LastScanSuccess.Set(1);
            metrics.Self.LastScanSuccessTimestamp.Set(clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0);
            metrics.Self.ScanDuration.Set(scan.Duration.TotalSeconds);
            metrics.Self.HostViewComplete.Set(scan.HostViewComplete ? 1 : 0);
            if (logger.IsEnabled(LogLevel.Information))
            {
                int orphans = scan.Verdicts.Count(v => v.IsOrphan);
                LogScan(scan.Verdicts.Count, orphans, scan.Duration.TotalMilliseconds);
            }
            return published;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            metrics.Self.ScanFailures.Inc();
            metrics.Self.LastScanSuccess.Set(0);
            LogScanFailed(e.Message);
            return null;
        }
    }

    /// <summary>Tells history that this orphan ended by remediation (its lifetime outcome).</summary>
    public void MarkRemediated(Classification.VethVerdict verdict)
    {
        // Wired to the tracker.
        _ = verdict;
    }

    private PublishedSnapshot Publish(ScanResult scan)
    {
        var view = new MetricsView(scan, [], new Dictionary<(string, string), long>(), [], new Dictionary<string, double>());
        metrics.Apply(view);
        var published = new PublishedSnapshot(scan, SnapshotMapper.ToDocument(scan));
        store.Publish(published);
        return published;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "scan: {Veths} veths, {Orphans} orphans in {Milliseconds:F1} ms")]
    private partial void LogScan(int veths, int orphans, double milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "scan failed, serving the last good snapshot: {Error}")]
    private partial void LogScanFailed(string error);

    public void Dispose() => _gate.Dispose();
}
