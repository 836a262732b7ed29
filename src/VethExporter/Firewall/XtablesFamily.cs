namespace VethExporter.Firewall;

/// <summary>
/// One of the iptables-style tool families. Each exists twice: a legacy backend (x_tables, its own
/// kernel tables) and an nf_tables backend; rules made with one are invisible to the other's tools.
/// </summary>
/// <param name="Name">The tool prefix: <c>iptables</c> gives iptables-save, iptables-legacy-save, iptables-nft-save.</param>
/// <param name="NftFamily">The nf_tables family its nft backend writes to (<c>table ip filter</c>).</param>
/// <param name="LegacyTablesFile">The /proc/net file listing this namespace's legacy tables, if the kernel keeps one.</param>
public sealed record XtablesFamily(string Name, string NftFamily, string? LegacyTablesFile)
{
    public static IReadOnlyList<XtablesFamily> All { get; } =
    [
        new("iptables", "ip", "ip_tables_names"),
        new("ip6tables", "ip6", "ip6_tables_names"),
        new("arptables", "arp", "arp_tables_names"),
        // Legacy ebtables keeps no table list in /proc: the kernel's build and modules decide (NetfilterKernel).
        new("ebtables", "bridge", null),
    ];

    public string LegacyTool => $"{Name}-legacy-save";

    public string NftTool => $"{Name}-nft-save";

    /// <summary>The unsuffixed name, which distributions point at one of the two backends.</summary>
    public string GenericTool => $"{Name}-save";
}
