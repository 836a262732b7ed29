using VethExporter.Classification;
using VethExporter.Remediation;

namespace VethExporter.Alertmanager;

/// <summary>
/// Which alerts this exporter acts on, the same for the webhook and for pull mode: an allowed alert
/// name, an instance label that names this exporter, and a scope (bridge, reason or interface) that
/// means something. Everything else is ignored with a reason.
/// </summary>
public sealed class AlertSelection(IReadOnlyCollection<string> alertNames, InstanceMatcher instances)
{
    private readonly HashSet<string> _names = alertNames.ToHashSet(StringComparer.Ordinal);

    public IReadOnlyCollection<string> AlertNames => _names;

    /// <returns>null when the alert is ours to act on, otherwise why it is ignored.</returns>
    public string? WhyIgnored(FiringAlert alert) =>
        alert.AlertName is null || !_names.Contains(alert.AlertName) ? $"alertname {alert.AlertName ?? "(none)"} is not in --remediation.alerts"
        : string.IsNullOrEmpty(alert.Instance) ? "no instance label: it names no exporter"
        : !instances.Matches(alert.Instance) ? $"instance {alert.Instance} is not this exporter"
        : !alert.HasScope ? "no bridge, reason or interface label"
        : alert.Reason is not null && !Reasons.OrphanReasons.Contains(alert.Reason) ? $"reason {alert.Reason} is not an orphan reason"
        : alert.Interface is not null && !InterfaceName.IsValid(alert.Interface) ? "interface label is not a valid interface name"
        : null;

    /// <summary>The remediation an alert asks for: its interface, or every orphan in its bridge and reason scope.</summary>
    public static RemediationRequest RequestFor(FiringAlert alert, bool dryRun) => alert.Interface is not null
        ? RemediationRequest.ForInterfaces([alert.Interface], dryRun)
        : new RemediationRequest([], true, alert.Bridge, alert.Reason, dryRun);
}
