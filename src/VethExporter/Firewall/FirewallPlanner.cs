namespace VethExporter.Firewall;

/// <summary>
/// Decides which tools list the scanned namespace's rules: for every iptables-style family one tool per
/// backend (legacy and nf_tables keep separate tables), and <c>nft list ruleset</c> for everything in
/// nf_tables. A backend the kernel proves empty needs no tool; any other backend without its tool is doubt.
/// </summary>
public static class FirewallPlanner
{
    private enum Backend
    {
        Legacy,
        Nft,
    }

    public static FirewallPlan Plan(Func<string, FoundTool?> find, NetfilterEvidence evidence)
    {
        var listings = new List<FirewallListing>();
        var missing = new List<string>();
        var decoded = new HashSet<string>(StringComparer.Ordinal);
        bool nfTables = evidence.NfTables != KernelTables.Absent;
        foreach (var family in XtablesFamily.All)
        {
            var generic = find(family.GenericTool);
            var legacy = find(family.LegacyTool) ?? (generic is not null && BackendOf(generic, family) == Backend.Legacy ? generic : null);
            var nft = find(family.NftTool) ?? (generic is not null && BackendOf(generic, family) == Backend.Nft ? generic : null);

            var legacyTables = evidence.LegacyOf(family);
            if (legacyTables != KernelTables.Absent)
            {
                if (legacy is not null) listings.Add(new FirewallListing(legacy.Name, legacy.Path, [], Family: family.NftFamily, Backend: "legacy"));
                else missing.Add(legacyTables == KernelTables.Present
                    ? $"{family.LegacyTool} is not installed, and this namespace has legacy {family.Name} tables"
                    : $"{family.LegacyTool} is not installed, and nothing proves the kernel holds no legacy {family.Name} tables");
            }
            // Without the family's own tool, nft still shows its rules; it only fails on extensions, checked after the run.
            if (nfTables && nft is not null)
            {
                listings.Add(new FirewallListing(nft.Name, nft.Path, [], Family: family.NftFamily, Backend: "nft"));
                decoded.Add(family.NftFamily);
            }
        }
        if (nfTables)
        {
            if (find("nft") is { } nft) listings.Add(new FirewallListing(nft.Name, nft.Path, ["list", "ruleset"], IsNftRuleset: true, Backend: "nft"));
            else missing.Add("nft is not installed, and the kernel has nf_tables");
        }
        return new FirewallPlan(listings, missing, decoded);
    }

    /// <summary>
    /// Failures for the nf_tables families whose rules use iptables extensions (<c>xt match physdev</c>: nft
    /// prints no interface name there) when the tool that could print them was not run.
    /// </summary>
    public static IEnumerable<string> UndecodedExtensions(string nftRuleset, FirewallPlan plan)
    {
        foreach (var nftFamily in NftExtensions.FamiliesUsingExtensions(nftRuleset).Order(StringComparer.Ordinal))
        {
            if (plan.DecodedNftFamilies.Contains(nftFamily)) continue;
            var family = XtablesFamily.All.FirstOrDefault(f => f.NftFamily == nftFamily);
            yield return family is null
                ? $"nft cannot print the iptables extensions used in its {nftFamily} tables"
                : $"nft cannot print the iptables extensions used in its {nftFamily} tables, and {family.NftTool} is not installed";
        }
    }

    /// <summary>Which backend the unsuffixed name runs: the multi-call binary or the suffixed name it points at says.</summary>
    private static Backend BackendOf(FoundTool generic, XtablesFamily family)
    {
        foreach (var path in generic.Chain)
        {
            string name = Path.GetFileName(path);
            if (name == family.NftTool || name == "xtables-nft-multi") return Backend.Nft;
            if (name == family.LegacyTool || name == "xtables-legacy-multi") return Backend.Legacy;
        }
        // A tool from before the nf_tables backend existed (iptables < 1.8, the old ebtables-save script).
        return Backend.Legacy;
    }
}

/// <summary>The listings to run, and the doubt already known before running any.</summary>
/// <param name="Missing">Tools the kernel's tables need that are not installed, each as a failure message.</param>
/// <param name="DecodedNftFamilies">nf_tables families whose iptables-style tool is among the listings: only it can print their extensions.</param>
public sealed record FirewallPlan(IReadOnlyList<FirewallListing> Listings, IReadOnlyList<string> Missing, IReadOnlySet<string> DecodedNftFamilies);

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
