namespace VethExporter.Firewall;

/// <summary>One listing command to run in the scanned namespace.</summary>
/// <param name="IsNftRuleset">It is <c>nft list ruleset</c>, whose output is also checked for extensions nft cannot print.</param>
/// <param name="Family">For an iptables-style tool, the nf_tables family name of what it lists (ip, ip6, arp, bridge).</param>
/// <param name="Backend"><c>legacy</c> or <c>nft</c>: which kernel tables it lists (nft list ruleset: <c>nft</c>).</param>
public sealed record FirewallListing(string Tool, string Path, IReadOnlyList<string> Arguments, bool IsNftRuleset = false, string? Family = null, string? Backend = null)
{
    /// <summary>Where CNI chains found in this listing live, or null for a listing that holds none (arptables, ebtables).</summary>
    public CniChainSource? CniSource => IsNftRuleset ? null
        : Family is "ip" or "ip6" && Backend is not null ? new CniChainSource(Tool, Backend, Family) : null;
}
