using Microsoft.Extensions.Logging;
using VethExporter.Metrics;
using VethExporter.Scanning;
using VethExporter.Snapshot;
using VethExporter.Tracking;

namespace VethExporter.Service;

/// <summary>
/// Runs scans one at a time, whoever asks (the periodic loop, a remediation rescan): a caller that
/// arrives while a scan is running waits for it and then runs its own, so its result is never older
/// than its request. A failed scan keeps the last good snapshot published and is counted. History is
/// saved after every scan unless <paramref name="persist"/> is off (the one-shot CLI reads it only).
/// A scan that outlives <paramref name="timeout"/> (a blocked open, a netlink answer that never comes) is
/// reported failed at once and the service stays unready; it keeps the scanner until it ends, and every
/// scan asked for meanwhile fails fast instead of queueing behind it.
/// </summary>
public sealed partial class ScanCoordinator(
    Scanner scanner,
    Tracker tracker,
    SnapshotStore store,
    ExporterMetrics metrics,
    TimeProvider clock,
    ILogger<ScanCoordinator> logger,
    bool persist = true,
    TimeSpan? timeout = null) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromMinutes(1);

    /// <summary>A scan that missed its deadline and still runs; no other scan may use the scanner until it ends.</summary>
    private Task? _overdue;
    private DateTimeOffset _overdueSince;

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
        if (_overdue is { IsCompleted: false })
        {
            Failed($"the scan started at {_overdueSince:O} is still running, past --scan.timeout; no scan can start until it ends");
            return null;
        }
        _overdue = null;
        var started = clock.GetUtcNow();
        try
        {
            // The inventory is synchronous kernel work: give it a thread of its own, so that if a system call
            // never returns it holds that thread, not one of the pool's.
            var dying = tracker.PeerDyingFor();
            var running = Task.Factory.StartNew(() => scanner.ScanAsync(dying, cancellationToken), cancellationToken,
                TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
            ScanResult scan;
            try
            {
                scan = await running.WaitAsync(_timeout, clock, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                _overdue = running.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                _overdueSince = started;
                store.SetStalled(true);
                Failed($"the scan did not finish within --scan.timeout {Cli.PrometheusDuration.Format(_timeout)}");
                return null;
            }
            store.SetStalled(false);
            var published = Publish(tracker.Observe(scan));
            if (persist) Persist();
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
            Failed(e.Message);
            return null;
        }
    }

    private void Failed(string error)
    {
        metrics.Self.ScanFailures.Inc();
        metrics.Self.LastScanSuccess.Set(0);
        LogScanFailed(error);
    }

    /// <summary>Tells history that this orphan ended by remediation (its lifetime outcome).</summary>
    public void MarkRemediated(Classification.VethVerdict verdict) => tracker.MarkRemediated(verdict.Link.Index, verdict.Link.Name);

    private PublishedSnapshot Publish(TrackedScan tracked)
    {
        metrics.Apply(new MetricsView(
            tracked.Scan,
            tracked.Orphans.Values.Select(o => (o.Bridge, o.Age.TotalSeconds)).ToList(),
            tracked.DetectedTotals.ToDictionary(e => (e.Key.Bridge, e.Key.Reason), e => e.Value),
            tracked.EndedOrphans.Select(e => (e.Bridge, e.Outcome, e.Seconds)).ToList(),
            tracked.LeakRatePerHour));
        var published = new PublishedSnapshot(tracked.Scan, SnapshotMapper.ToDocument(tracked.Scan, tracked.History));
        store.Publish(published);
        return published;
    }

    /// <summary>Writes history after every scan; a failure degrades to memory, logged once per change.</summary>
    private void Persist()
    {
        var saved = tracker.Save();
        metrics.Self.StatePersisted.Set(saved.Failed ? 0 : 1);
        if (saved.StatusChanged && saved.Failed) LogStateUnwritable(saved.Message);
        else if (saved.StatusChanged) LogStateWritable(saved.Message);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "history is kept in memory only: {Message}")]
    private partial void LogStateUnwritable(string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "history: {Message}")]
    private partial void LogStateWritable(string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "scan: {Veths} veths, {Orphans} orphans in {Milliseconds:F1} ms")]
    private partial void LogScan(int veths, int orphans, double milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "scan failed, serving the last good snapshot: {Error}")]
    private partial void LogScanFailed(string error);

    public void Dispose() => _gate.Dispose();
}
