using VethExporter.Metrics;
using VethExporter.Remediation;

namespace VethExporter.Alertmanager;

/// <summary>
/// Turns the firing alerts of one webhook notification or one poll into one remediation batch: the
/// alerts this exporter acts on (<see cref="AlertSelection"/>), each taken once per fingerprint and
/// startsAt. An alert whose run a budget cut short is taken again next time, so a large leak is cleaned
/// over several notifications or polls, at the budgets' pace: at once after the per-request cap, once
/// the hourly budget has room again after that one (not on every poll, which would only repeat refusals).
/// </summary>
public sealed class AlertIntake(AlertSelection selection, SeenAlerts seen, RemediationMetrics metrics, Func<int>? hourlyRemaining = null)
{
    private const int MaxWaiting = 10_000;

    private readonly Lock _gate = new();
    private readonly HashSet<string> _waitingForBudget = new(StringComparer.Ordinal);

    public const string WebhookSource = "alertmanager";
    public const string PullSource = "alertmanager_pull";

    public AlertBatch Take(IEnumerable<FiringAlert> alerts, string source, bool dryRun)
    {
        var taken = new List<FiringAlert>();
        var ignored = new List<IgnoredAlert>();
        foreach (var alert in alerts)
        {
            string? why = selection.WhyIgnored(alert);
            if (why is null && StillWaiting(alert.IdempotencyKey))
            {
                metrics.RecordAlert(source, "deferred");
                ignored.Add(new IgnoredAlert(alert.Fingerprint, "waiting for room in the hourly deletion budget"));
                continue;
            }
            if (why is null && !seen.TryAdd(alert.IdempotencyKey))
            {
                metrics.RecordAlert(source, "repeated");
                ignored.Add(new IgnoredAlert(alert.Fingerprint, "already acted on (same fingerprint and startsAt)"));
                continue;
            }
            metrics.RecordAlert(source, why is null ? "acted_on" : "ignored");
            if (why is null) taken.Add(alert);
            else ignored.Add(new IgnoredAlert(alert.Fingerprint, why));
        }
        var work = taken.Select(a => new RemediationWork(AlertSelection.RequestFor(a, dryRun), $"{source}:{a.AlertName}/{a.Fingerprint}")).ToList();
        return new AlertBatch(source, taken, work, ignored);
    }

    /// <summary>After the batch ran: alerts whose run a budget cut short become new again.</summary>
    public void Settle(AlertBatch batch, IReadOnlyList<RemediationResponse> responses)
    {
        for (int i = 0; i < batch.Alerts.Count && i < responses.Count; i++)
        {
            var blockers = responses[i].Results.SelectMany(r => r.Blockers).ToHashSet(StringComparer.Ordinal);
            if (!blockers.Contains(RefusalReasons.MaxDeletes) && !blockers.Contains(RefusalReasons.MaxDeletesPerHour)) continue;
            string key = batch.Alerts[i].IdempotencyKey;
            seen.Forget(key);
            if (blockers.Contains(RefusalReasons.MaxDeletesPerHour))
            {
                lock (_gate)
                {
                    if (_waitingForBudget.Count < MaxWaiting) _waitingForBudget.Add(key);
                }
            }
        }
    }

    /// <summary>True while a key waits for the hourly budget and it has no room yet; false (and no longer waiting) once it has.</summary>
    private bool StillWaiting(string key)
    {
        lock (_gate)
        {
            if (!_waitingForBudget.Contains(key)) return false;
            if (hourlyRemaining is not null && hourlyRemaining() == 0) return true;
            _waitingForBudget.Remove(key);
            return false;
        }
    }

    /// <summary>A batch that never ran (the queue was full): its alerts may be taken up again.</summary>
    public void Abandon(AlertBatch batch)
    {
        foreach (var alert in batch.Alerts) seen.Forget(alert.IdempotencyKey);
    }
}

/// <summary>The alerts taken from one notification or poll, the remediation work they ask for (same order), and those ignored.</summary>
public sealed record AlertBatch(string Source, IReadOnlyList<FiringAlert> Alerts, IReadOnlyList<RemediationWork> Work, IReadOnlyList<IgnoredAlert> Ignored);

/// <summary>An alert that was not acted on, and why.</summary>
public sealed record IgnoredAlert(string Fingerprint, string Why);
