using VethExporter.Firewall;

namespace VethExporter.Tests.EndToEnd;

/// <summary>The captured firewall listings of the fake host, read by the real reference parser.</summary>
internal sealed class CapturedFirewall(string directory) : IFirewallRules
{
    public Task<FirewallRules> ReadAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        var references = new HashSet<string>(StringComparer.Ordinal);
        foreach (string listing in Directory.GetFiles(directory).Order(StringComparer.Ordinal))
            references.UnionWith(FirewallReferenceParser.FindReferences(File.ReadAllText(listing), names));
        return Task.FromResult(new FirewallRules(references, []));
    }
}
