using Prometheus;
using VethExporter.Remediation;

namespace VethExporter.Metrics;

/// <summary>Counters of remediation decisions and of rejected credentials.</summary>
public sealed class RemediationMetrics
{
    private readonly Counter _actions;

    public RemediationMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _actions = factory.CreateCounter("veth_remediation_actions_total",
            "Remediation decisions by action (delete, detach_delete, release_netns, none) and result (deleted, would_delete, refused, not_found, failed).",
            ["action", "result"]);
        AuthFailures = factory.CreateCounter("veth_remediation_auth_failures_total", "Remediation requests rejected for a missing or wrong bearer token.");
        AuthFailures.IncTo(0);
        // Failure series exist from the start so that increase() sees the first failure.
        foreach (var action in new[] { RemediationActions.Delete, RemediationActions.DetachDelete, RemediationActions.ReleaseNetns })
            _actions.WithLabels(action, RemediationResults.Failed).IncTo(0);
    }

    public Counter AuthFailures { get; }

    public void Record(InterfaceResult result) => _actions.WithLabels(result.Action, result.Result).Inc();
}
