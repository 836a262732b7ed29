using VethExporter.Classification;
using VethExporter.Cni;
using VethExporter.Firewall;
using VethExporter.HostInventory;
using VethExporter.Runtime;

namespace VethExporter.Scanning;

/// <summary>Where to look and how to judge.</summary>
/// <param name="CheckFirewall">Look up firewall references for orphans (tests of the pure parts may turn it off).</param>
/// <param name="Firewall">Where the listing tools are and their limits (null: <see cref="FirewallOptions.Default"/>).</param>
public sealed record ScannerOptions(KernelPaths Paths, ClassificationPolicy Policy, bool CheckFirewall = true, FirewallOptions? Firewall = null)
{
    /// <summary>Where CNI attachments are read from; null reads none (tests of the veth verdicts alone).</summary>
    public CniPaths? Cni { get; init; }

    /// <summary>The runtime sockets to ask each scan; null asks none (tests of the kernel verdicts alone).</summary>
    public RuntimeEndpoints? Runtime { get; init; }

    /// <summary>Each runtime's time and size limits within one scan.</summary>
    public RuntimeLimits RuntimeLimits { get; init; } = RuntimeLimits.Default;
}
