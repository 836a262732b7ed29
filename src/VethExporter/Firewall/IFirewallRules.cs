namespace VethExporter.Firewall;

/// <summary>Finds which of the given interface names the scanned namespace's firewall rules mention.</summary>
internal interface IFirewallRules
{
    Task<FirewallRules> ReadAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken);
}
