using System.Net;

namespace VethExporter.Firewall;

/// <summary>
/// Which listing a CNI chain or rule was found in: what removing it takes.
/// </summary>
/// <param name="Tool">The listing tool: <c>iptables-nft-save</c>, <c>ip6tables-legacy-save</c>, <c>nft</c>, …</param>
/// <param name="Backend"><c>legacy</c> (x_tables: <c>iptables-legacy</c>, <c>ip6tables-legacy</c>) or <c>nft</c> (nf_tables: <c>iptables-nft</c>, <c>ip6tables-nft</c>, or <c>nft</c> itself).</param>
/// <param name="Family"><c>ip</c> or <c>ip6</c> for iptables and ip6tables; for an <c>nft</c> listing the table's family (ip, ip6, inet, …).</param>
public sealed record CniChainSource(string Tool, string Backend, string Family)
{
    /// <summary>The tool that deletes what this listing shows: iptables-legacy, ip6tables-nft, … or nft.</summary>
    public string DeleteTool => Tool == "nft" ? "nft" : $"{(Family == "ip6" ? "ip6tables" : "iptables")}-{Backend}";
}

/// <summary>
/// A firewall chain a CNI plugin made for one container (bridge/ptp masquerade <c>CNI-&lt;hash&gt;</c>,
/// portmap's <c>CNI-DN-&lt;hash&gt;</c>), known by the comment its rules or the jumps to it carry
/// (<c>name: "&lt;network&gt;" id: "&lt;containerId&gt;"</c>, portmap's <c>dnat name: …</c>).
/// </summary>
/// <param name="Table">nat, filter, …</param>
/// <param name="Network">From the comment; null when the listing prints no comments (<c>nft list ruleset</c> does not show iptables-nft's): then only the name ties it to an attachment (see CniNames in Cni).</param>
/// <param name="Rules">The chain's own rules, verbatim as listed (<c>-A CNI-… …</c> in iptables-save form).</param>
/// <param name="Jumps">Rules in other chains that jump or go to this one, verbatim: removed before the chain (<c>-A</c> becomes <c>-D</c>, see <see cref="XtablesRule"/>).</param>
public sealed record CniFirewallChain(
    CniChainSource Source,
    string Table,
    string Chain,
    string? Network,
    string? ContainerId,
    IReadOnlyList<string> Rules,
    IReadOnlyList<string> Jumps);

/// <summary>
/// A rule the firewall plugin made for one container's address in its shared chain (<c>CNI-FORWARD</c>:
/// <c>-d IP/32 … -j ACCEPT</c>, <c>-s IP/32 -j ACCEPT</c>): it names no container, only the IP.
/// </summary>
public sealed record CniFirewallIpRule(CniChainSource Source, string Table, string Chain, IPAddress Address, string Rule);

/// <summary>The CNI chains and IP rules one listing (or all of them, merged) holds.</summary>
public sealed record CniListingFacts(IReadOnlyList<CniFirewallChain> Chains, IReadOnlyList<CniFirewallIpRule> IpRules)
{
    public static CniListingFacts Empty { get; } = new([], []);
}
