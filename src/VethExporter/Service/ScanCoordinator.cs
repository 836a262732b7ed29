using Microsoft.Extensions.Logging;
using VethExporter.Common;
using VethExporter.Scanning;
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
    TimeProvider clock,
    ILogger<ScanCoordinator> logger,
    bool persist = true,
    TimeSpan? timeout = null,
    IScanObserver? observer = null) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromMinutes(1);

    /// <summary>A scan that missed its deadline and still runs; no other scan may use the scanner until it ends.</summary>
    private Task? _overdue;
    private DateTimeOffset _overdueSince;

    public async Task<PublishedScan?> ScanNowAsync(CancellationToken cancellationToken)
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
    public async Task<T> ScanThenAsync<T>(Func<PublishedScan?, Task<T>> act, CancellationToken cancellationToken)
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

    /// <summary>One scan and everything it changes; the observer hears of its end last, still under the gate.</summary>
    private async Task<PublishedScan?> ScanLockedAsync(CancellationToken cancellationToken)
    {
        var (published, error, persisted) = await ScanAndRecordAsync(cancellationToken).ConfigureAwait(false);
        if (observer is not null)
            await observer.ScanEndedAsync(new ScanOutcome(published?.Tracked, error, persisted, clock.GetUtcNow()), CancellationToken.None).ConfigureAwait(false);
        if (published is not null) store.MarkAnnounced();
        return published;
    }

    private async Task<(PublishedScan? Published, string? Error, bool? Persisted)> ScanAndRecordAsync(CancellationToken cancellationToken)
    {
        if (_overdue is { IsCompleted: false })
            return Failed($"the scan started at {_overdueSince:O} is still running, past --scan.timeout; no scan can start until it ends");
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
                return Failed($"the scan did not finish within --scan.timeout {PrometheusDuration.Format(_timeout)}");
            }
            store.SetStalled(false);
            LogRuntimeChanges(scan.Runtime.Statuses);
            var published = new PublishedScan(tracker.Observe(scan));
            store.Publish(published);
            bool? persisted = persist ? Persist() : null;
            if (logger.IsEnabled(LogLevel.Information))
            {
                int orphans = scan.Verdicts.Count(v => v.IsOrphan);
                LogScan(scan.Verdicts.Count, orphans, scan.Duration.TotalMilliseconds);
            }
            return (published, null, persisted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Failed(e.Message);
        }
    }

    /// <summary>What each runtime socket said last (null: answered in full), to log changes, not every scan.</summary>
    private readonly Dictionary<string, string?> _runtimeErrors = new(StringComparer.Ordinal);

    private void LogRuntimeChanges(IReadOnlyList<Runtime.RuntimeStatus> statuses)
    {
        foreach (var status in statuses)
        {
            string? error = status.Complete ? null : status.Error ?? "no answer";
            bool known = _runtimeErrors.TryGetValue(status.Socket, out string? before);
            if (known && before == error) continue;
            _runtimeErrors[status.Socket] = error;
            if (error is not null) LogRuntimeUnreachable(status.Name, status.Socket, error);
            else LogRuntimeAnswering(status.Name, status.Socket, status.Version ?? "unknown version");
        }
        foreach (string gone in _runtimeErrors.Keys.Where(s => statuses.All(t => t.Socket != s)).ToList()) _runtimeErrors.Remove(gone);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "runtime {Runtime} at {Socket} does not answer in full; orphans no runtime claims are blocked (runtime_unreachable): {Error}")]
    private partial void LogRuntimeUnreachable(string runtime, string socket, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "runtime {Runtime} at {Socket} answers ({Version})")]
    private partial void LogRuntimeAnswering(string runtime, string socket, string version);

    private (PublishedScan?, string?, bool?) Failed(string error)
    {
        LogScanFailed(error);
        return (null, error, null);
    }

    /// <summary>Tells history that this orphan ended by remediation (its lifetime outcome).</summary>
    public void MarkRemediated(Classification.VethVerdict verdict) => tracker.MarkRemediated(verdict.Link.Index, verdict.Link.Name);

    /// <summary>Writes history after every scan; a failure degrades to memory, logged once per change.</summary>
    /// <returns>Whether it was written.</returns>
    private bool Persist()
    {
        var saved = tracker.Save();
        if (saved.StatusChanged && saved.Failed) LogStateUnwritable(saved.Message);
        else if (saved.StatusChanged) LogStateWritable(saved.Message);
        return !saved.Failed;
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
