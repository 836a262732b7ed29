using Prometheus;
using VethExporter.Remediation;

namespace VethExporter.Remediation;

/// <summary>Counters of remediation decisions, of the alerts behind them, of rejected credentials and of pull-mode polls.</summary>
public sealed class RemediationMetrics
{
    private readonly Counter _actions;
    private readonly Counter _alerts;
    private readonly Gauge _hourlyBudget;

    public RemediationMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _actions = factory.CreateCounter("veth_remediation_actions_total",
            "Remediation decisions by action (delete, detach_delete, release_netns, none) and result (deleted, would_delete, refused, not_found, failed).",
            ["action", "result"]);
        AuthFailures = factory.CreateCounter("veth_remediation_auth_failures_total", "Remediation requests rejected for a missing or wrong bearer token.");
        AuthFailures.IncTo(0);
        // Failure series exist from the start so that increase() sees the first failure.
        foreach (var action in new[] { RemediationActions.Delete, RemediationActions.DetachDelete, RemediationActions.ReleaseNetns,
            RemediationActions.CniDel, RemediationActions.RuntimeCleanup })
            _actions.WithLabels(action, RemediationResults.Failed).IncTo(0);
        _alerts = factory.CreateCounter("veth_remediation_alerts_total",
            "Firing alerts received by source (alertmanager: webhook, alertmanager_pull) and outcome (acted_on, ignored, repeated: already acted on, deferred: waiting for the hourly budget).",
            ["source", "outcome"]);
        _hourlyBudget = factory.CreateGauge("veth_remediation_hourly_budget_remaining",
            "Deletions left in the node's --remediation.max-deletes-per-hour budget over the trailing hour, as of the last remediation.");
        Polls = factory.CreateCounter("veth_remediation_alertmanager_polls_total", "Pull mode: polls of Alertmanager's alert API.");
        PollFailures = factory.CreateCounter("veth_remediation_alertmanager_poll_failures_total",
            "Pull mode: polls that got no usable answer (unreachable, timeout, HTTP error, malformed body); nothing was done for them.");
        AlertmanagerUp = factory.CreateGauge("veth_remediation_alertmanager_up", "Pull mode: 1 if the last poll of Alertmanager succeeded, else 0.");
        LastPollSuccess = factory.CreateGauge("veth_remediation_alertmanager_last_poll_success_timestamp_seconds",
            "Pull mode: Unix time of the last successful poll of Alertmanager.");
    }

    public Counter AuthFailures { get; }

    public Counter Polls { get; }

    public Counter PollFailures { get; }

    public Gauge AlertmanagerUp { get; }

    public Gauge LastPollSuccess { get; }

    public void Record(InterfaceResult result) => _actions.WithLabels(result.Action, result.Result).Inc();

    public void RecordAlert(string source, string outcome) => _alerts.WithLabels(source, outcome).Inc();

    /// <summary>Makes the pull-mode series exist from the start, so that rules see them before the first failure.</summary>
    public void EnablePullMode()
    {
        Polls.IncTo(0);
        PollFailures.IncTo(0);
        AlertmanagerUp.Set(0);
    }

    public void SetHourlyBudgetRemaining(int? remaining)
    {
        if (remaining is int left) _hourlyBudget.Set(left);
    }
}
